using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;
using JwtMvc.Core.Diagnostics;
using JwtMvc.Core.Security;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace JwtMvc.Core.Auth;

/// <summary>
/// Issues access tokens and runs the refresh-token lifecycle: a session starts with a family of one
/// token, every use rotates it, and presenting a token that was already used revokes the family, except for a
/// retry within the window, which gets the same successor (RFC 9700 §4.14.2).
/// </summary>
public sealed partial class TokenService(
    IOptions<JwtOptions> options,
    SigningKeys keys,
    ISessionStore store,
    IUserReader users,
    SessionService sessions,
    TimeProvider clock,
    ILogger<TokenService> logger,
    JwtMvcMetrics metrics,
    ISecurityEventLog events)
{
    private const int RefreshTokenBytes = 32;

    // Ours are well under 1 KiB; a longer string is not worth parsing.
    private const int MaxAccessTokenLength = 8 * 1024;
    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };

    private readonly JwtOptions settings = options.Value;

    /// <summary>An access token of a session started by a password sign-in.</summary>
    public AccessToken CreateAccessToken(AuthUser user, Guid sessionId) =>
        CreateAccessToken(user, sessionId, AuthenticationMethods.Password);

    public AccessToken CreateAccessToken(AuthUser user, Guid sessionId, AuthenticationMethods methods)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(methods);
        var now = WholeSeconds(clock.GetUtcNow()); // JWT times are whole seconds; expiresAt must equal exp
        var expires = now + settings.AccessTokenLifetime;
        var claims = new Dictionary<string, object>(7)
        {
            [AccessTokenClaims.Subject] = user.Id,
            [AccessTokenClaims.TokenId] = Guid.NewGuid().ToString("N"),
            [AccessTokenClaims.Name] = user.UserName,
            [AccessTokenClaims.SessionId] = sessionId.ToString(),
            [AccessTokenClaims.AuthenticationMethods] = methods.Values.ToArray(), // an array even with one value (RFC 8176)
        };
        if (user.Roles.Count > 0)
        {
            claims[AccessTokenClaims.Role] = user.Roles.ToArray();
        }

        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = settings.Issuer,
            Audience = settings.Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            TokenType = JwtOptions.AccessTokenType,
            SigningCredentials = keys.Current,
            Claims = claims,
        };
        return new AccessToken(Handler.CreateToken(descriptor), now, expires);
    }

    /// <summary>
    /// Starts a session for a user who has just proven who they are by <paramref name="methods"/>, given the hash of
    /// their security stamp as it was before the proof was checked (<see cref="IUserReader.FindStampHashAsync"/>).
    /// Refused when the user has changed since (a new password, an admin's lock, ...): the session was stored and is
    /// revoked again at once, as that change's own revocation would have done had it come after this sign-in. Refused
    /// too when a concurrent sign-in of the same user, keeping the session limit, revoked this one's session first.
    /// </summary>
    public async Task<SessionStart> StartSessionAsync(AuthUser user, AuthenticationMethods methods, string stampHash, ClientInfo client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(methods);
        ArgumentNullException.ThrowIfNull(stampHash);
        ArgumentNullException.ThrowIfNull(client);
        var now = clock.GetUtcNow();
        var session = new Session
        {
            Id = Guid.NewGuid(),
            UserId = user.Id,
            CreatedAt = now,
            LastUsedAt = now,
            ExpiresAt = now + settings.RefreshTokenLifetime,
            IpAddress = client.IpAddress,
            UserAgent = client.UserAgent,
            AuthenticationMethods = methods.ToString(),
        };
        var (refreshToken, stored) = NewRefreshToken(session, client, now);
        await keys.EnsureFreshAsync(cancellationToken);
        // Not abandoned with the request once under way: a session stored for a client that went away must be revoked below.
        if (!await store.CreateAsync(session, stored, CancellationToken.None))
        {
            return SessionStart.Refused(SignInFailures.UserChanged); // deleted while the sign-in was under way
        }

        try
        {
            // A change that must end the user's sign-ins renews the stamp, commits, and then revokes the sessions it
            // finds: one that committed before this session was stored did not find it. Read the stamp again now that it is.
            if (await users.FindStampHashAsync(user.Id, cancellationToken) != stampHash)
            {
                await sessions.RevokeAsync(session.Id, SessionRevocationReasons.UserChanged);
                return SessionStart.Refused(SignInFailures.UserChanged);
            }

            if (!await sessions.EnforceLimitAsync(user.Id, session.Id, cancellationToken))
            {
                // Revoked meanwhile: by a concurrent sign-in's limit, or by a change to the user since the read above.
                return SessionStart.Refused(await users.FindStampHashAsync(user.Id, cancellationToken) == stampHash
                    ? SignInFailures.SessionLimitRace
                    : SignInFailures.UserChanged);
            }

            return SessionStart.Started(new IssuedTokens(CreateAccessToken(user, session.Id, methods), refreshToken, session.ExpiresAt, user, session.Id));
        }
        catch (Exception failure)
        {
            // Nobody will hold this session's tokens: it must not count toward the user's session limit or be listed.
            await RevokeUnansweredAsync(session.Id, failure);
            throw;
        }
    }

    private async Task RevokeUnansweredAsync(Guid sessionId, Exception failure)
    {
        try
        {
            await sessions.RevokeAsync(sessionId, SessionRevocationReasons.SignInFailed);
        }
        catch (Exception revokeFailure)
        {
            Log.UnansweredSessionNotRevoked(logger, sessionId, failure.GetType().Name, revokeFailure);
        }
    }

    /// <summary>
    /// Rotates a refresh token. The claims of the new access token come from the current user record. Within
    /// <see cref="JwtOptions.RefreshRetrySeconds"/> of a rotation, and while its successor is unused, the rotated
    /// token gets that same successor again (a lost answer, concurrent refreshes); otherwise it is reuse.
    /// </summary>
    public async Task<RefreshOutcome> RefreshAsync(string? refreshToken, ClientInfo client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        using var activity = JwtMvcMetrics.ActivitySource.StartActivity("jwtmvc.refresh");
        var outcome = await RotateAsync(refreshToken, client, cancellationToken);
        var result = outcome switch
        {
            RefreshOutcome.Success => RefreshResult.Success,
            RefreshOutcome.Rejected { ReuseDetected: true } => RefreshResult.Reuse,
            _ => RefreshResult.Invalid,
        };
        metrics.Refresh(result);
        activity?.SetTag("jwtmvc.result", result.ToString());
        return outcome;
    }

    private async Task<RefreshOutcome> RotateAsync(string? refreshToken, ClientInfo client, CancellationToken cancellationToken)
    {
        if (!IsWellFormed(refreshToken))
        {
            return RefreshOutcome.Invalid;
        }

        var now = clock.GetUtcNow();
        var found = await store.FindTokenWithSessionAsync(Hash(refreshToken), cancellationToken);
        if (found is not { Token: var token } || token.RevokedAt is not null || now >= token.ExpiresAt)
        {
            return RefreshOutcome.Invalid;
        }

        if (token.UsedAt is not null)
        {
            return await RetryOrReuseAsync(refreshToken, token, client, now, cancellationToken);
        }

        var session = found.Session;
        if (session is null || !session.IsActiveAt(now))
        {
            return RefreshOutcome.Invalid;
        }

        // A session's tokens form one chain with one unused token at its head, so its rotations happen one after the
        // other and the count read here is that of the token that can still win (on SQL Server a duplicate refresh of
        // the token that reached the limit may read the winner's count and end the session one refresh early).
        if (session.Rotations >= settings.RotationLimit)
        {
            Log.RotationLimitReached(logger, session.Id, session.Rotations);
            await sessions.RevokeAsync(session.Id, SessionRevocationReasons.RotationLimit);
            return RefreshOutcome.Invalid;
        }

        var user = await users.FindCurrentAsync(token.UserId, found.UserVersion, cancellationToken);
        if (user is null)
        {
            await sessions.RevokeAsync(session.Id, SessionRevocationReasons.UserGone);
            return RefreshOutcome.Invalid;
        }

        var (newToken, replacement) = NewRefreshToken(session, client, now);
        var sealedReplacement = RetryWindowOn ? SuccessorSeal.Seal(refreshToken, newToken, session.Id) : null;
        await keys.EnsureFreshAsync(cancellationToken);
        if (!await store.TryRotateAsync(token, replacement, sealedReplacement, now, cancellationToken))
        {
            // The claim found the token used or revoked since it was read; the store committed that change before
            // refusing ours, so the token read again tells which. Used: another request rotated it first, the same
            // credential presented twice (within the window it gets the winner's successor). Revoked: its session was
            // ended meanwhile (a logout, an admin), which is no reuse.
            var rotated = await store.FindTokenByHashAsync(token.TokenHash, cancellationToken);
            return rotated is null || rotated.RevokedAt is not null || rotated.UsedAt is null
                ? RefreshOutcome.Invalid
                : await RetryOrReuseAsync(refreshToken, rotated, client, now, cancellationToken);
        }

        return new RefreshOutcome.Success(new IssuedTokens(CreateAccessToken(user, session.Id, AuthenticationMethods.Parse(session.AuthenticationMethods)), newToken, session.ExpiresAt, user, session.Id));
    }

    /// <summary>Revokes the session a refresh token belongs to. Unknown tokens are ignored (RFC 7009).</summary>
    public async Task<bool> RevokeAsync(string? refreshToken, string reason, CancellationToken cancellationToken)
    {
        if (!IsWellFormed(refreshToken))
        {
            return false;
        }

        // A token already revoked went with its whole family, and no token is added to a revoked session: a logout
        // sent again costs one read, not a write transaction and a message to every instance.
        var token = await store.FindTokenByHashAsync(Hash(refreshToken), cancellationToken);
        return token is { RevokedAt: null } && await sessions.RevokeAsync(token.SessionId, reason);
    }

    /// <summary>
    /// RFC 7009 revocation of either kind of token: a refresh token's session, or the session of a valid access
    /// token (signature, lifetime, and a <c>sid</c> that is its <c>sub</c>'s own). Anything else is ignored.
    /// </summary>
    public async Task<bool> RevokeAnyAsync(string token, string reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (IsWellFormed(token))
        {
            return await RevokeAsync(token, reason, cancellationToken);
        }

        if (token.Length > MaxAccessTokenLength)
        {
            return false;
        }

        var parameters = AccessTokenValidation.CreateParameters(settings, keys, clock);
        var validation = await Handler.ValidateTokenAsync(token, parameters);
        if (!validation.IsValid && await keys.TryLoadKeyOfAsync(token, cancellationToken))
        {
            validation = await Handler.ValidateTokenAsync(token, parameters); // signed by a key made elsewhere just now
        }

        if (!validation.IsValid
            || validation.ClaimsIdentity.FindFirst(AccessTokenClaims.Subject)?.Value is not { Length: > 0 } subject
            || !Guid.TryParse(validation.ClaimsIdentity.FindFirst(AccessTokenClaims.SessionId)?.Value, out var sessionId))
        {
            return false;
        }

        var session = await store.FindSessionAsync(sessionId, cancellationToken);
        return session is not null
            && string.Equals(session.UserId, subject, StringComparison.Ordinal)
            && await sessions.RevokeAsync(sessionId, reason);
    }

    /// <summary>Lower-case hex SHA-256 of a refresh token: the only form in which it is stored.</summary>
    public static string Hash(string refreshToken)
    {
        ArgumentNullException.ThrowIfNull(refreshToken);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.ASCII.GetBytes(refreshToken), hash);
        return Convert.ToHexStringLower(hash);
    }

    private bool RetryWindowOn => settings.RefreshRetryWindow > TimeSpan.Zero;

    /// <summary>
    /// <paramref name="rotated"/> (the token <paramref name="presented"/> names) was already rotated: a retry within
    /// the window while its successor is unused gets that successor again; anything else is reuse.
    /// </summary>
    private async Task<RefreshOutcome> RetryOrReuseAsync(string presented, RefreshToken rotated, ClientInfo client, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (!RetryWindowOn
            || rotated.UsedAt is not { } usedAt
            || now >= usedAt + settings.RefreshRetryWindow
            || rotated.ReplacedByHash is null
            || rotated.SealedReplacement is null)
        {
            return await ReuseDetectedAsync(rotated, client);
        }

        var successor = await store.FindTokenByHashAsync(rotated.ReplacedByHash, cancellationToken);
        if (successor is null || successor.UsedAt is not null)
        {
            return await ReuseDetectedAsync(rotated, client);
        }

        // A retry never brings a revoked or ended family back, nor outlives it.
        var session = await store.FindSessionAsync(rotated.SessionId, cancellationToken);
        if (successor.RevokedAt is not null || now >= successor.ExpiresAt || session is null || !session.IsActiveAt(now))
        {
            return RefreshOutcome.Invalid;
        }

        var successorToken = SuccessorSeal.TryOpen(presented, rotated.SealedReplacement, rotated.SessionId);
        if (successorToken is null || !HashesEqual(Hash(successorToken), rotated.ReplacedByHash))
        {
            Log.SealedReplacementUnusable(logger, rotated.SessionId);
            return RefreshOutcome.Invalid;
        }

        var user = await users.FindByIdAsync(rotated.UserId, cancellationToken);
        if (user is null)
        {
            await sessions.RevokeAsync(session.Id, SessionRevocationReasons.UserGone);
            return RefreshOutcome.Invalid;
        }

        Log.RefreshRetried(logger, session.Id);
        await keys.EnsureFreshAsync(cancellationToken);
        return new RefreshOutcome.Success(new IssuedTokens(CreateAccessToken(user, session.Id, AuthenticationMethods.Parse(session.AuthenticationMethods)), successorToken, session.ExpiresAt, user, session.Id));
    }

    private async Task<RefreshOutcome> ReuseDetectedAsync(RefreshToken token, ClientInfo client)
    {
        Log.RefreshTokenReuse(logger, token.SessionId);

        // The revocation first, and nothing after it is abandoned with the request: a client that goes away must not
        // save a stolen family.
        await sessions.RevokeAsync(token.SessionId, SessionRevocationReasons.Reuse);
        await events.RecordAsync(SecurityEventTypes.RefreshReuse, token.UserId, null, client.IpAddress,
            $"session {token.SessionId} revoked", CancellationToken.None);
        return RefreshOutcome.Reused;
    }

    private static bool HashesEqual(string left, string right) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(left), Encoding.ASCII.GetBytes(right));

    private static DateTimeOffset WholeSeconds(DateTimeOffset time) => DateTimeOffset.FromUnixTimeSeconds(time.ToUnixTimeSeconds());

    private static (string Token, RefreshToken Stored) NewRefreshToken(Session session, ClientInfo client, DateTimeOffset now)
    {
        var token = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(RefreshTokenBytes));
        var stored = new RefreshToken
        {
            Id = Guid.CreateVersion7(now), // time-ordered: SQLite keeps the id as text, so a new row lands at the end of the key index, not on a random page
            TokenHash = Hash(token),
            SessionId = session.Id,
            UserId = session.UserId,
            CreatedAt = now,
            ExpiresAt = session.ExpiresAt,
            IpAddress = client.IpAddress,
            UserAgent = client.UserAgent,
        };
        return (token, stored);
    }

    // 32 bytes are 43 base64url characters; anything else cannot be ours and costs no database trip.
    private static bool IsWellFormed([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] string? token) =>
        token is { Length: 43 } && Base64Url.IsValid(token);

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "Refresh token reuse detected; session {SessionId} revoked")]
        public static partial void RefreshTokenReuse(ILogger logger, Guid sessionId);

        [LoggerMessage(Level = LogLevel.Information, Message = "Rotated refresh token presented again within the retry window; session {SessionId} answered with its successor")]
        public static partial void RefreshRetried(ILogger logger, Guid sessionId);

        [LoggerMessage(Level = LogLevel.Error, Message = "The sealed successor of a rotated refresh token of session {SessionId} does not open; refresh refused")]
        public static partial void SealedReplacementUnusable(ILogger logger, Guid sessionId);

        [LoggerMessage(Level = LogLevel.Information, Message = "Session {SessionId} ended: its refresh token was rotated {Rotations} times, the limit")]
        public static partial void RotationLimitReached(ILogger logger, Guid sessionId, int rotations);

        [LoggerMessage(Level = LogLevel.Error, Message = "Session {SessionId} stays active though its sign-in failed ({Failure}): revoking it failed too; it ends at its expiry or the user's session limit")]
        public static partial void UnansweredSessionNotRevoked(ILogger logger, Guid sessionId, string failure, Exception exception);
    }
}

public sealed record AccessToken(string Token, DateTimeOffset IssuedAt, DateTimeOffset ExpiresAt)
{
    public int LifetimeSeconds => (int)(ExpiresAt - IssuedAt).TotalSeconds;
}

/// <summary>What starting a session came to: its tokens, or why the session was ended as it started.</summary>
public sealed class SessionStart
{
    private SessionStart(IssuedTokens? tokens, string? refusal) => (Tokens, Refusal) = (tokens, refusal);

    public IssuedTokens? Tokens { get; }

    /// <summary>Why the session was revoked as it started (a <see cref="SignInFailures"/> text); null when it started.</summary>
    public string? Refusal { get; }

    [MemberNotNullWhen(true, nameof(Refusal))]
    [MemberNotNullWhen(false, nameof(Tokens))]
    public bool IsRefused => Refusal is not null;

    public static SessionStart Started(IssuedTokens tokens) => new(tokens ?? throw new ArgumentNullException(nameof(tokens)), null);

    public static SessionStart Refused(string reason) => new(null, reason ?? throw new ArgumentNullException(nameof(reason)));
}

/// <summary>What a sign-in or a refresh hands to the client. <see cref="RefreshToken"/> is shown once.</summary>
public sealed record IssuedTokens(AccessToken AccessToken, string RefreshToken, DateTimeOffset RefreshTokenExpiresAt, AuthUser User, Guid SessionId);

public abstract record RefreshOutcome
{
    public static readonly RefreshOutcome Invalid = new Rejected(false);
    public static readonly RefreshOutcome Reused = new Rejected(true);

    private RefreshOutcome()
    {
    }

    public sealed record Success(IssuedTokens Tokens) : RefreshOutcome;

    /// <summary>The token cannot be used; when <paramref name="ReuseDetected"/>, its whole family was revoked.</summary>
    public sealed record Rejected(bool ReuseDetected) : RefreshOutcome;
}
