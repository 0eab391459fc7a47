using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace JwtMvc.Core.Diagnostics;

/// <summary>
/// The app's own instruments on the meter <c>JwtMvc</c>, recorded where the events happen. Core records
/// through <see cref="System.Diagnostics.Metrics"/> only; the web layer decides where they are exported.
/// </summary>
public sealed class JwtMvcMetrics
{
    /// <summary>The name of the meter and of the activity source.</summary>
    public const string Name = "JwtMvc";

    /// <summary>Spans around sign-in and refresh, exported when a tracer listens to <see cref="Name"/>.</summary>
    public static readonly ActivitySource ActivitySource = new(Name);

    private readonly Counter<long> logins;
    private readonly Counter<long> refreshes;
    private readonly Counter<long> revocations;
    private readonly Counter<long> uploadBytes;

    /// <param name="meterFactory">The host's factory; without one (a bare service collection) the meter is created directly.</param>
    public JwtMvcMetrics(IMeterFactory? meterFactory)
    {
        var meter = meterFactory?.Create(Name) ?? new Meter(Name);
        logins = meter.CreateCounter<long>("jwtmvc.auth.logins", "{attempt}", "Password sign-ins by result: success, failure, locked, mfa_required.");
        refreshes = meter.CreateCounter<long>("jwtmvc.auth.refreshes", "{attempt}", "Refresh-token rotations by result: success, invalid, reuse.");
        revocations = meter.CreateCounter<long>("jwtmvc.auth.revocations", "{session}", "Sessions revoked, by reason.");
        uploadBytes = meter.CreateCounter<long>("jwtmvc.uploads.bytes", "By", "Bytes of uploaded files kept.");
    }

    public void Login(LoginResult result) => logins.Add(1, new KeyValuePair<string, object?>("result", result switch
    {
        LoginResult.Success => "success",
        LoginResult.Locked => "locked",
        LoginResult.MfaRequired => "mfa_required",
        _ => "failure",
    }));

    public void Refresh(RefreshResult result) => refreshes.Add(1, new KeyValuePair<string, object?>("result", result switch
    {
        RefreshResult.Success => "success",
        RefreshResult.Reuse => "reuse",
        _ => "invalid",
    }));

    public void Revoked(string reason, int sessions)
    {
        if (sessions > 0)
        {
            revocations.Add(sessions, new KeyValuePair<string, object?>("reason", reason));
        }
    }

    public void Uploaded(long bytes) => uploadBytes.Add(bytes);
}

public enum LoginResult
{
    Success,
    Failure,
    Locked,
    MfaRequired,
}

public enum RefreshResult
{
    Success,
    Invalid,
    Reuse,
}
