using System.ComponentModel.DataAnnotations;
using JwtMvc.Core.Auth;
using JwtMvc.Core.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace JwtMvc.Web.Areas.Admin.Controllers.Api;

/// <summary>The security dashboard's API behind /admin/security: counts over time and the event list.</summary>
[ApiController]
[Area("Admin")]
[Route("api/admin/security")]
[Authorize(Policy = AppPolicies.Admin)]
[ResponseCache(NoStore = true, Location = ResponseCacheLocation.None)]
public sealed class SecurityApiController(SecurityDashboard dashboard) : ControllerBase
{
    /// <summary>Sign-ins, failed sign-ins, lockouts and refresh-token reuse per hour (24h) or per day (30d).</summary>
    [HttpGet("summary")]
    public async Task<Results<Ok<SecuritySummaryDto>, ValidationProblem>> Summary(
        [Required, AllowedValues("24h", "30d", ErrorMessage = "range must be 24h or 30d.")] string range,
        CancellationToken cancellationToken)
    {
        var buckets = await dashboard.SummaryAsync(range, cancellationToken);
        return buckets is null
            ? TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["range"] = ["range must be 24h or 30d."] })
            : TypedResults.Ok(new SecuritySummaryDto(range, [.. buckets.Select(SecurityBucketDto.From)]));
    }

    /// <summary>Security events, newest first, optionally of one type and one user.</summary>
    [HttpGet("events")]
    public async Task<Results<Ok<SecurityEventPageDto>, ValidationProblem>> Events(
        [StringLength(32)] string? type,
        [StringLength(450)] string? userId,
        [Range(1, SecurityDashboard.MaxPage)] int page = 1,
        [Range(1, SecurityDashboard.MaxPageSize)] int pageSize = 20,
        CancellationToken cancellationToken = default)
    {
        type = string.IsNullOrWhiteSpace(type) ? null : type;
        if (type is not null && !SecurityEventTypes.All.Contains(type))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["type"] = [$"type must be one of: {string.Join(", ", SecurityEventTypes.All.Order(StringComparer.Ordinal))}."],
            });
        }

        var (items, totalCount) = await dashboard.ListAsync(type, string.IsNullOrWhiteSpace(userId) ? null : userId, page, pageSize, cancellationToken);
        return TypedResults.Ok(new SecurityEventPageDto([.. items.Select(SecurityEventDto.From)], totalCount, page, pageSize));
    }
}

public sealed record SecuritySummaryDto(string Range, IReadOnlyList<SecurityBucketDto> Buckets);

public sealed record SecurityBucketDto(DateTimeOffset Start, int Logins, int FailedLogins, int Lockouts, int ReuseDetected)
{
    public static SecurityBucketDto From(SecurityBucket bucket) =>
        new(bucket.Start, bucket.Logins, bucket.FailedLogins, bucket.Lockouts, bucket.ReuseDetected);
}

public sealed record SecurityEventPageDto(IReadOnlyList<SecurityEventDto> Items, int TotalCount, int Page, int PageSize);

public sealed record SecurityEventDto(DateTimeOffset At, string Type, string? UserId, string? UserName, string? IpAddress, string? Detail)
{
    public static SecurityEventDto From(SecurityEvent e) => new(e.At, e.Type, e.UserId, e.UserName, e.IpAddress, e.Detail);
}
