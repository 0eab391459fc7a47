using Microsoft.AspNetCore.Mvc;

namespace JwtMvc.Web.Controllers;

/// <summary>The orders page; js/pages/orders.js requires a session and reads /api/orders.</summary>
public sealed class OrdersController : Controller
{
    [HttpGet("orders")]
    public IActionResult Index() => View();
}
