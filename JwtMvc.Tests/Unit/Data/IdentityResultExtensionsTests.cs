using JwtMvc.Core.Validation;
using JwtMvc.Data;

using Microsoft.AspNetCore.Identity;

namespace JwtMvc.Tests.Unit.Data;

/// <summary>The one mapping from Identity's results to Core's validation errors, used by every store that changes users.</summary>
public sealed class IdentityResultExtensionsTests
{
    [TestCase("PasswordTooShort", "password", "password")]
    [TestCase("PasswordRequiresDigit", "newPassword", "newPassword")]
    [TestCase("PasswordMismatch", "newPassword", "currentPassword")]
    [TestCase("DuplicateUserName", "password", "userName")]
    [TestCase("InvalidUserName", "password", "userName")]
    [TestCase("DuplicateEmail", "password", "email")]
    [TestCase("InvalidEmail", "password", "email")]
    [TestCase("ConcurrencyFailure", "password", "")]
    public void Identity_error_codes_map_to_input_fields(string code, string passwordField, string expected)
    {
        var result = IdentityResult.Failed(new IdentityError { Code = code, Description = "What went wrong." });

        var errors = result.ToValidationErrors(passwordField);

        Assert.That(errors, Is.EqualTo(new[] { new ValidationError(expected, code, "What went wrong.") }), "field by code; code and message kept");
    }

    [Test]
    public void A_success_is_the_ok_outcome_and_a_failure_lists_every_rule_it_broke()
    {
        var failed = IdentityResult.Failed(
            new IdentityError { Code = "PasswordTooShort", Description = "Too short." },
            new IdentityError { Code = "PasswordRequiresDigit", Description = "Needs a digit." });

        var ok = IdentityResult.Success.ToValidationOutcome(passwordField: "password");
        var outcome = failed.ToValidationOutcome(passwordField: "newPassword");

        Assert.That(ok.Succeeded, Is.True, "Identity's success is a success");
        Assert.That(outcome.Succeeded, Is.False, "a failed rule is a failure");
        Assert.That(outcome.Errors.Select(e => (e.Field, e.Code)), Is.EqualTo(new[] { ("newPassword", "PasswordTooShort"), ("newPassword", "PasswordRequiresDigit") }));
    }
}
