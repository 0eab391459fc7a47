using JwtMvc.Core.Email;
using JwtMvc.Web.Auth.Passkeys;
using JwtMvc.Web.Controllers.Api;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace JwtMvc.Web.Controllers;

/// <summary>The account pages. They are shells: their scripts talk to /api/auth and /api/account.</summary>
[AllowAnonymous] // shells: their scripts call the API
[Route("account")]
public sealed class AccountController(IOptions<AccountOptions> options, IOptions<EmailOptions> email, IOptions<PasskeyOptions> passkeys) : Controller
{
    private bool RegistrationAllowed => options.Value.AllowRegistration;

    private bool EmailEnabled => email.Value.Enabled;

    private bool PasskeysEnabled => passkeys.Value.Enabled;

    /// <summary>My account: profile, email, sessions.</summary>
    [HttpGet("")]
    public IActionResult Index() => View(new MyAccountPageModel(EmailEnabled, PasskeysEnabled));

    [HttpGet("forgot-password")]
    public IActionResult ForgotPassword() => EmailEnabled ? View() : NotFound();

    [HttpGet("reset-password")]
    public IActionResult ResetPassword() => EmailEnabled ? View() : NotFound();

    [HttpGet("confirm-email")]
    public IActionResult ConfirmEmail() => EmailEnabled ? View() : NotFound();

    [HttpGet("confirm-email-change")]
    public IActionResult ConfirmEmailChange() => EmailEnabled ? View() : NotFound();

    [HttpGet("login")]
    public IActionResult Login() => View(new AccountPageModel(RegistrationAllowed, PasskeysEnabled));

    [HttpGet("register")]
    public IActionResult Register() => RegistrationAllowed ? View() : NotFound();

    [HttpGet("password")]
    public IActionResult Password() => View();
}

public sealed record AccountPageModel(bool RegistrationAllowed, bool PasskeysEnabled);

public sealed record MyAccountPageModel(bool EmailEnabled, bool PasskeysEnabled);
