using System.Diagnostics;
using JwtMvc.Core.Admin;
using JwtMvc.Core.Auth;
using JwtMvc.Core.Auth.Keys;
using JwtMvc.Web.ApiDocs;
using JwtMvc.Web.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace JwtMvc.Web.Areas.Admin.Controllers.Api;

/// <summary>The signing keys behind /admin/keys: list, rotate now, revoke.</summary>
[ApiController]
[Area("Admin")]
[Route("api/admin/keys")]
[Authorize(Policy = AppPolicies.Admin)]
public sealed class KeysApiController(SigningKeyAdminService admin) : ControllerBase
{
    [HttpGet]
    public async Task<SigningKeyListDto> List(CancellationToken cancellationToken) =>
        SigningKeyListDto.From(await admin.ListAsync(cancellationToken));

    [HttpPost("rotate")]
    [ProducesResponseType<SigningKeyDto>(StatusCodes.Status201Created)]
    [ProducesProblem(StatusCodes.Status409Conflict)]
    public async Task<IActionResult> Rotate(CancellationToken cancellationToken) =>
        ToResult(await admin.RotateAsync(Actor, cancellationToken), key => StatusCode(StatusCodes.Status201Created, key));

    [HttpPost("{kid}/revoke")]
    [ProducesResponseType<SigningKeyDto>(StatusCodes.Status200OK)]
    [ProducesProblem(StatusCodes.Status409Conflict)]
    public async Task<IActionResult> Revoke(string kid, CancellationToken cancellationToken) =>
        ToResult(await admin.RevokeAsync(Actor, kid, cancellationToken), Ok);

    private AdminActor Actor => new(User.GetUserId(), User.Identity?.Name ?? "");

    private IActionResult ToResult(KeyAdminOutcome outcome, Func<SigningKeyDto, IActionResult> done) => outcome switch
    {
        KeyAdminOutcome.Done d => done(SigningKeyDto.From(d.Key, d.At)),
        KeyAdminOutcome.Missing => NotFound(),
        KeyAdminOutcome.Configured => Problem(
            statusCode: StatusCodes.Status409Conflict,
            title: "Keys come from configuration",
            detail: "Jwt:SigningKey is set, so tokens are signed with that shared secret: rotate it in configuration (moving the old one to Jwt:PreviousKeys)."),
        _ => throw new UnreachableException($"Unexpected outcome {outcome.GetType().Name}."),
    };
}

public sealed record SigningKeyListDto(string Mode, IReadOnlyList<SigningKeyDto> Items)
{
    public static SigningKeyListDto From(KeyListing listing) =>
        new(listing.FromConfiguration ? "sharedSecret" : "keyRing", [.. listing.Keys.Select(k => SigningKeyDto.From(k, listing.At))]);
}

public sealed record SigningKeyDto(
    string Kid,
    string Alg,
    string Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset ActivatesAt,
    DateTimeOffset RetiresAt,
    DateTimeOffset? RevokedAt)
{
    public static SigningKeyDto From(SigningKeyRecord key, DateTimeOffset now) => new(
        key.KeyId,
        key.Algorithm,
        KeyLifecycle.StatusAt(key, now).ToString().ToLowerInvariant(),
        key.CreatedAt,
        key.ActivatesAt,
        key.RetiresAt,
        key.RevokedAt);
}
