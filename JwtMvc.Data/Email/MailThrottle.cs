namespace JwtMvc.Data.Email;

/// <summary>When the last mail went to an address.</summary>
internal sealed class MailThrottle
{
    public required string NormalizedAddress { get; init; }

    public DateTimeOffset LastMailAt { get; set; }
}
