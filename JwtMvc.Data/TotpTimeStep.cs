namespace JwtMvc.Data;

/// <summary>
/// The RFC 6238 time step of the last authenticator code a user had accepted: only later steps count, so a code works
/// once. A row of its own, not a column of the user: Identity rewrites the whole user row on every change, which
/// would put back a step read before a concurrent acceptance.
/// </summary>
public sealed class TotpTimeStep
{
    public required string UserId { get; init; }

    public long LastAccepted { get; set; }
}
