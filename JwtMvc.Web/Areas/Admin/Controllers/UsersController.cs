using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace JwtMvc.Web.Areas.Admin.Controllers;

/// <summary>
/// The user management page. Like every page it is a shell served to anyone; the Admin role is enforced
/// by the /api/admin endpoints its script calls with the access token.
/// </summary>
[AllowAnonymous] // a shell: its script fetches the data with the access token
[Area("Admin")]
public sealed class UsersController : Controller
{
    [HttpGet("admin/users")]
    public IActionResult Index() => View();
}
