using JwtMvc.Core.Auth;
using JwtMvc.Core.Security;
using JwtMvc.Core.Validation;

namespace JwtMvc.Core.Accounts;

/// <summary>What a user does to their own account.</summary>
public sealed class AccountService(IUserDirectory users, SessionService sessions, ISecurityEventLog events)
{
    /// <summary>Changes the password and ends every other session of the user; the current one stays.</summary>
    public async Task<ValidationOutcome> ChangePasswordAsync(string userId, Guid currentSessionId, string currentPassword, string newPassword, CancellationToken cancellationToken)
    {
        var outcome = await users.ChangePasswordAsync(userId, currentPassword, newPassword, cancellationToken);
        if (outcome.Succeeded)
        {
            // Committed: the revocation first, and nothing after it is abandoned with the request.
            await sessions.RevokeAllAsync(userId, SessionRevocationReasons.PasswordChanged, exceptSessionId: currentSessionId);
            await events.RecordAsync(SecurityEventTypes.PasswordChanged, userId, null, null, null, CancellationToken.None);
        }

        return outcome;
    }

    public Task<ValidationOutcome<AuthUser>> RegisterAsync(string userName, string email, string password, CancellationToken cancellationToken) =>
        users.RegisterAsync(userName, email, password, cancellationToken);
}
