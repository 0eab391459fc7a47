using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace JwtMvc.Web.Controllers;

/// <summary>The orders page; js/pages/orders.js requires a session and reads /api/orders.</summary>
[AllowAnonymous] // a shell: its script fetches the data with the access token
public sealed class OrdersController : Controller
{
    [HttpGet("orders")]
    public IActionResult Index() => View();
}
