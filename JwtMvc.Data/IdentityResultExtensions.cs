using JwtMvc.Core.Validation;

using Microsoft.AspNetCore.Identity;

namespace JwtMvc.Data;

/// <summary>
/// Identity's results in Core's vocabulary: the one mapping from <see cref="IdentityResult"/> to
/// <see cref="ValidationOutcome"/>, each failed rule keyed by the request field it concerns.
/// </summary>
internal static class IdentityResultExtensions
{
    /// <param name="result">What Identity answered.</param>
    /// <param name="passwordField">The request field that holds the password being set (<c>password</c>, <c>newPassword</c>).</param>
    public static ValidationOutcome ToValidationOutcome(this IdentityResult result, string passwordField) =>
        result.Succeeded ? ValidationOutcome.Ok : new ValidationOutcome(result.ToValidationErrors(passwordField));

    public static ValidationError[] ToValidationErrors(this IdentityResult result, string passwordField) =>
        [.. result.Errors.Select(e => e.ToValidationError(passwordField))];

    public static ValidationError ToValidationError(this IdentityError error, string passwordField) =>
        new(FieldOf(error.Code, passwordField), error.Code, error.Description);

    /// <summary>
    /// Applies a change to a user and saves it. When another request saved the user first (a sign-in counting a
    /// failure, say), Identity refuses the save and <see cref="AppUserManager"/> reloads the user with nothing of the
    /// change left pending; the change is then made again on the fresh row rather than failing the request. Answers the
    /// last result.
    /// </summary>
    public static async Task<IdentityResult> SaveAgainOnConcurrencyFailureAsync(Func<Task<IdentityResult>> applyAndSave)
    {
        const int MaxAttempts = 5;
        for (var attempt = 1; ; attempt++)
        {
            var result = await applyAndSave();
            if (result.Succeeded || attempt == MaxAttempts || !result.Errors.Any(e => e.Code == nameof(IdentityErrorDescriber.ConcurrencyFailure)))
            {
                return result;
            }
        }
    }

    /// <summary>
    /// The error for a create that lost a race on the unique index after Identity's own duplicate check passed:
    /// the user name if it is now taken, else the e-mail address.
    /// </summary>
    public static async Task<ValidationError> DuplicateErrorAsync(this UserManager<AppUser> users, string userName, string email)
    {
        var error = await users.FindByNameAsync(userName) is not null
            ? users.ErrorDescriber.DuplicateUserName(userName)
            : users.ErrorDescriber.DuplicateEmail(email);
        return error.ToValidationError(passwordField: "password");
    }

    /// <summary>The input field an Identity error belongs to, by its code.</summary>
    private static string FieldOf(string code, string passwordField) => code switch
    {
        nameof(IdentityErrorDescriber.PasswordMismatch) => "currentPassword",
        nameof(IdentityErrorDescriber.DuplicateUserName) or nameof(IdentityErrorDescriber.InvalidUserName) => "userName",
        nameof(IdentityErrorDescriber.DuplicateEmail) or nameof(IdentityErrorDescriber.InvalidEmail) => "email",
        _ when code.StartsWith("Password", StringComparison.Ordinal) => passwordField,
        _ => "",
    };
}
