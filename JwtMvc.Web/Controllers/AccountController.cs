using JwtMvc.Web.Controllers.Api;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace JwtMvc.Web.Controllers;

/// <summary>The account pages. They are shells: their scripts talk to /api/auth and /api/account.</summary>
[AllowAnonymous] // shells: their scripts call the API
[Route("account")]
public sealed class AccountController(IOptions<AccountOptions> options) : Controller
{
    private bool RegistrationAllowed => options.Value.AllowRegistration;

    [HttpGet("login")]
    public IActionResult Login() => View(new AccountPageModel(RegistrationAllowed));

    [HttpGet("register")]
    public IActionResult Register() => RegistrationAllowed ? View() : NotFound();

    [HttpGet("password")]
    public IActionResult Password() => View();

    [HttpGet("two-factor")]
    public IActionResult TwoFactor() => View();
}

public sealed record AccountPageModel(bool RegistrationAllowed);
