using JwtMvc.Core.Security;

namespace JwtMvc.Tests.Support;

/// <summary>Keeps the security events a unit records, for tests that run it without a database.</summary>
internal sealed class RecordingSecurityEventLog : ISecurityEventLog
{
    private readonly Lock sync = new();
    private readonly List<(string Type, string? UserId, string? Detail)> recorded = [];

    public IReadOnlyList<(string Type, string? UserId, string? Detail)> Recorded
    {
        get
        {
            lock (sync)
            {
                return [.. recorded];
            }
        }
    }

    public Task RecordAsync(string type, string? userId, string? userName, string? ipAddress, string? detail, CancellationToken cancellationToken)
    {
        lock (sync)
        {
            recorded.Add((type, userId, detail));
        }

        return Task.CompletedTask;
    }
}
