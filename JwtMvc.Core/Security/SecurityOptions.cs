using System.ComponentModel.DataAnnotations;

namespace JwtMvc.Core.Security;

/// <summary>Settings of the security event log, bound from the <c>Security</c> section.</summary>
public sealed class SecurityOptions
{
    public const string Section = "Security";

    /// <summary>How long security events are kept before the sweep deletes them.</summary>
    [Range(1, 3650, ErrorMessage = "Security:EventRetentionDays must be between 1 and 3650.")]
    public int EventRetentionDays { get; set; } = 90;
}
