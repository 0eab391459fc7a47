using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace JwtMvc.Web.Controllers;

/// <summary>The account pages. They are shells: their scripts talk to /api/auth and /api/account.</summary>
[AllowAnonymous] // a shell: its script fetches the data with the access token
[Route("account")]
public sealed class AccountController(IConfiguration configuration) : Controller
{
    private bool RegistrationAllowed => configuration.GetValue("Accounts:AllowRegistration", defaultValue: true);

    [HttpGet("login")]
    public IActionResult Login() => View(new AccountPageModel(RegistrationAllowed));

    [HttpGet("register")]
    public IActionResult Register() => RegistrationAllowed ? View() : NotFound();

    [HttpGet("password")]
    public IActionResult Password() => View();
}

public sealed record AccountPageModel(bool RegistrationAllowed);
