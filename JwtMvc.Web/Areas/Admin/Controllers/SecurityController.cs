using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace JwtMvc.Web.Areas.Admin.Controllers;

/// <summary>The security dashboard page: a shell whose script reads /api/admin/security with the access token.</summary>
[AllowAnonymous] // a shell: its script fetches the data with the access token
[Area("Admin")]
public sealed class SecurityController : Controller
{
    [HttpGet("admin/security")]
    public IActionResult Index() => View();
}
