using JwtMvc.Core.Uploads;
using JwtMvc.Web.Models;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace JwtMvc.Web.Controllers;

/// <summary>The upload page; js/pages/upload.js requires a session and talks to /api/uploads.</summary>
[AllowAnonymous] // a shell: its script fetches the data with the access token
public sealed class UploadController(IOptions<UploadOptions> options) : Controller
{
    [HttpGet("upload")]
    public IActionResult Index() => View(UploadPageModel.From(options.Value));
}
