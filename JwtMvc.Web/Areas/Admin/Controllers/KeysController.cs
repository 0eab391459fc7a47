using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace JwtMvc.Web.Areas.Admin.Controllers;

/// <summary>The signing-key page. A shell like every page; /api/admin/keys enforces the Admin role.</summary>
[AllowAnonymous] // a shell: its script fetches the data with the access token
[Area("Admin")]
public sealed class KeysController : Controller
{
    [HttpGet("admin/keys")]
    public IActionResult Index() => View();
}
