using JwtMvc.Core.Admin;
using JwtMvc.Core.Security;

namespace JwtMvc.Core.Auth.Keys;

/// <summary>What /admin/keys does: list the ring, rotate now, revoke a key; both changes audited and recorded as security events.</summary>
public sealed class SigningKeyAdminService(SigningKeys keys, IAuditLog audit, ISecurityEventLog events, TimeProvider clock)
{
    /// <summary>The keys with their status; empty in shared-secret mode.</summary>
    public async Task<KeyListing> ListAsync(CancellationToken cancellationToken)
    {
        if (keys is not KeyRing ring)
        {
            return new KeyListing(FromConfiguration: true, [], clock.GetUtcNow());
        }

        return new KeyListing(FromConfiguration: false, await ring.ListAsync(cancellationToken), clock.GetUtcNow());
    }

    public async Task<KeyAdminOutcome> RotateAsync(AdminActor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (keys is not KeyRing ring)
        {
            return KeyAdminOutcome.FromConfiguration;
        }

        var created = await ring.RotateNowAsync(cancellationToken);
        await WriteAuditAsync(actor, AuditActions.KeyRotated, created.KeyId, cancellationToken);
        await events.RecordAsync(SecurityEventTypes.KeyRotated, null, null, null, $"kid {created.KeyId}: rotated by admin {actor.UserName}, signs now", cancellationToken);
        return new KeyAdminOutcome.Done(created, clock.GetUtcNow());
    }

    public async Task<KeyAdminOutcome> RevokeAsync(AdminActor actor, string keyId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(keyId);
        if (keys is not KeyRing ring)
        {
            return KeyAdminOutcome.FromConfiguration;
        }

        var revoked = await ring.RevokeAsync(keyId, cancellationToken);
        if (revoked is null)
        {
            return KeyAdminOutcome.NotFound;
        }

        await WriteAuditAsync(actor, AuditActions.KeyRevoked, revoked.KeyId, cancellationToken);
        await events.RecordAsync(SecurityEventTypes.KeyRevoked, null, null, null, $"kid {revoked.KeyId}: revoked by admin {actor.UserName}", cancellationToken);
        return new KeyAdminOutcome.Done(revoked, clock.GetUtcNow());
    }

    // Key events concern no user: the target is left empty and the kid goes in the detail.
    private Task WriteAuditAsync(AdminActor actor, string action, string keyId, CancellationToken cancellationToken) =>
        audit.WriteAsync(
            new AuditEntry
            {
                At = clock.GetUtcNow(),
                ActorId = actor.Id,
                ActorUserName = actor.UserName,
                Action = action,
                TargetUserId = "",
                TargetUserName = "",
                Detail = "kid " + keyId,
            },
            cancellationToken);
}

/// <summary>The ring as the admin page shows it, and the time its statuses were read at.</summary>
public sealed record KeyListing(bool FromConfiguration, IReadOnlyList<SigningKeyRecord> Keys, DateTimeOffset At);

public abstract record KeyAdminOutcome
{
    public static readonly KeyAdminOutcome NotFound = new Missing();

    /// <summary>Shared-secret mode: keys come from configuration and cannot be changed here.</summary>
    public static readonly KeyAdminOutcome FromConfiguration = new Configured();

    private KeyAdminOutcome()
    {
    }

    public sealed record Done(SigningKeyRecord Key, DateTimeOffset At) : KeyAdminOutcome;

    public sealed record Missing : KeyAdminOutcome;

    public sealed record Configured : KeyAdminOutcome;
}
