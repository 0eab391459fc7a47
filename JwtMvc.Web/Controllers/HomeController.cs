using System.Diagnostics;
using JwtMvc.Web.Models;
using Microsoft.AspNetCore.Mvc;

namespace JwtMvc.Web.Controllers;

public sealed class HomeController : Controller
{
    [HttpGet("")]
    public IActionResult Index() => View();

    [Route("home/error")]
    [ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
    public IActionResult Error() =>
        View(new ErrorViewModel { RequestId = Activity.Current?.Id ?? HttpContext.TraceIdentifier });
}
