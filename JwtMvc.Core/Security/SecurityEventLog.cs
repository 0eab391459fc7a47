namespace JwtMvc.Core.Security;

/// <summary>What other features call when something security-relevant happens.</summary>
public interface ISecurityEventLog
{
    /// <summary>Stores an event of <paramref name="type"/> (one of <see cref="SecurityEventTypes"/>) at the current time.</summary>
    Task RecordAsync(string type, string? userId, string? userName, string? ipAddress, string? detail, CancellationToken cancellationToken);
}

internal sealed class SecurityEventLog(ISecurityEventStore store, TimeProvider clock) : ISecurityEventLog
{
    private const int MaxTextLength = 256;

    public Task RecordAsync(string type, string? userId, string? userName, string? ipAddress, string? detail, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(type);
        return store.AddAsync(new SecurityEvent
        {
            At = clock.GetUtcNow(),
            Type = type,
            UserId = userId,
            UserName = Truncate(userName),
            IpAddress = Truncate(ipAddress),
            Detail = Truncate(detail),
        }, cancellationToken);
    }

    private static string? Truncate(string? value) => value is { Length: > MaxTextLength } ? value[..MaxTextLength] : value;
}
