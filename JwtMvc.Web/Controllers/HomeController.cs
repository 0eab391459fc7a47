using System.Diagnostics;
using JwtMvc.Web.Models;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace JwtMvc.Web.Controllers;

[AllowAnonymous] // the landing page and the error page are for everyone
public sealed class HomeController : Controller
{
    [HttpGet("")]
    public IActionResult Index() => View();

    [Route("home/error")]
    [ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
    public IActionResult Error() =>
        View(new ErrorViewModel { RequestId = Activity.Current?.Id ?? HttpContext.TraceIdentifier });
}
