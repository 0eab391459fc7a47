using JwtMvc.Core.Admin;
using JwtMvc.Core.Auth;

namespace JwtMvc.Core.Accounts;

/// <summary>A user's own sessions ("my devices"): list them and sign them out.</summary>
public sealed class AccountSessions(SessionService sessions, ISessionStore store, IUserAdministration users, TimeProvider clock)
{
    public Task<IReadOnlyList<Session>> ListAsync(string userId, CancellationToken cancellationToken) =>
        sessions.ListActiveAsync(userId, cancellationToken);

    /// <summary>Ends one of the user's active sessions; false (nothing done) when it is not theirs or not active.</summary>
    public async Task<bool> SignOutAsync(string userId, Guid sessionId, CancellationToken cancellationToken)
    {
        var session = await store.FindSessionAsync(sessionId, cancellationToken);
        if (session is null || !string.Equals(session.UserId, userId, StringComparison.Ordinal) || !session.IsActiveAt(clock.GetUtcNow()))
        {
            return false;
        }

        return await sessions.RevokeAsync(sessionId, SessionRevocationReasons.SignedOutByUser);
    }

    /// <summary>
    /// Ends every session of the user but the current one; returns how many. The security stamp is renewed first, as
    /// for an admin's "revoke sessions": a sign-in under way (someone else who has the password) keeps no session
    /// either, and <c>mfaToken</c>s and mailed links made before stop counting.
    /// </summary>
    public async Task<int> SignOutOthersAsync(string userId, Guid currentSessionId, CancellationToken cancellationToken)
    {
        await users.RenewSecurityStampAsync(userId, cancellationToken);
        return await sessions.RevokeAllAsync(userId, SessionRevocationReasons.SignedOutByUser, exceptSessionId: currentSessionId);
    }
}
