using System.ComponentModel.DataAnnotations;
using System.Diagnostics;
using JwtMvc.Core.Admin;
using JwtMvc.Core.Auth;
using JwtMvc.Web.ApiDocs;
using JwtMvc.Web.Auth;
using JwtMvc.Web.Errors;
using JwtMvc.Web.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace JwtMvc.Web.Areas.Admin.Controllers.Api;

/// <summary>The Identity management API behind /admin/users.</summary>
[ApiController]
[Area("Admin")]
[Route("api/admin/users")]
[Authorize(Policy = AppPolicies.Admin)]
[RequestBodyLimit(RequestBodyLimitAttribute.SmallBodyBytes)]
public sealed class UsersApiController(UserAdminService admin, TimeProvider clock) : ControllerBase
{
    public const int MaxPageSize = 100;

    [HttpGet]
    public async Task<AdminUserPageDto> List(
        [StringLength(256)] string? search,
        [Range(1, int.MaxValue)] int page = 1,
        [Range(1, MaxPageSize)] int pageSize = 20,
        CancellationToken cancellationToken = default)
    {
        var result = await admin.ListAsync(search, page, pageSize, cancellationToken);
        var now = clock.GetUtcNow();
        return new AdminUserPageDto([.. result.Items.Select(u => AdminUserDto.From(u, now))], result.TotalCount);
    }

    [HttpPost]
    [ProducesResponseType<AdminUserDto>(StatusCodes.Status201Created)]
    public async Task<IActionResult> Create(CreateUserRequest request, CancellationToken cancellationToken)
    {
        var user = new NewUser(request.UserName, request.Email, request.Password, Blank(request.DisplayName), request.Roles);
        var outcome = await admin.CreateAsync(Actor, user, cancellationToken);
        return ToResult(outcome, created => CreatedAtAction(nameof(Get), new { id = created!.Id }, Dto(created)));
    }

    [HttpGet("{id}")]
    [ProducesResponseType<AdminUserDto>(StatusCodes.Status200OK)]
    public async Task<IActionResult> Get(string id, CancellationToken cancellationToken) =>
        await admin.FindAsync(id, cancellationToken) is { } user ? Ok(Dto(user)) : NotFound();

    [HttpPut("{id}")]
    [ProducesResponseType<AdminUserDto>(StatusCodes.Status200OK)]
    public async Task<IActionResult> Update(string id, UpdateUserRequest request, CancellationToken cancellationToken) =>
        ToResult(await admin.UpdateProfileAsync(Actor, id, request.DisplayName, request.Email, cancellationToken), UserOk);

    [HttpGet("{id}/audit")]
    [ProducesResponseType<ItemsDto<AuditEntryDto>>(StatusCodes.Status200OK)]
    public async Task<IActionResult> Audit(string id, CancellationToken cancellationToken) =>
        await admin.AuditTrailAsync(id, cancellationToken) is { } entries
            ? Ok(new ItemsDto<AuditEntryDto>([.. entries.Select(AuditEntryDto.From)]))
            : NotFound();

    [HttpPut("{id}/roles")]
    [ProducesResponseType<AdminUserDto>(StatusCodes.Status200OK)]
    [ProducesProblem(StatusCodes.Status409Conflict)]
    public async Task<IActionResult> SetRoles(string id, SetRolesRequest request, CancellationToken cancellationToken) =>
        ToResult(await admin.SetRolesAsync(Actor, id, request.Roles, cancellationToken), UserOk);

    [HttpPost("{id}/lock")]
    [ProducesResponseType<AdminUserDto>(StatusCodes.Status200OK)]
    [ProducesProblem(StatusCodes.Status409Conflict)]
    public async Task<IActionResult> Lock(string id, [FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] LockRequest? request, CancellationToken cancellationToken) =>
        ToResult(await admin.LockAsync(Actor, id, request?.Until, cancellationToken), UserOk);

    [HttpPost("{id}/unlock")]
    [ProducesResponseType<AdminUserDto>(StatusCodes.Status200OK)]
    public async Task<IActionResult> Unlock(string id, CancellationToken cancellationToken) =>
        ToResult(await admin.UnlockAsync(Actor, id, cancellationToken), UserOk);

    [HttpPost("{id}/reset-password")]
    [ProducesResponseType<AdminUserDto>(StatusCodes.Status200OK)]
    public async Task<IActionResult> ResetPassword(string id, ResetPasswordRequest request, CancellationToken cancellationToken) =>
        ToResult(await admin.ResetPasswordAsync(Actor, id, request.NewPassword, cancellationToken), UserOk);

    [HttpDelete("{id}")]
    [ProducesResponseType(StatusCodes.Status204NoContent)]
    [ProducesProblem(StatusCodes.Status409Conflict)]
    public async Task<IActionResult> Delete(string id, CancellationToken cancellationToken) =>
        ToResult(await admin.DeleteAsync(Actor, id, cancellationToken), _ => NoContent());

    [HttpGet("{id}/sessions")]
    [ProducesResponseType<ItemsDto<AdminSessionDto>>(StatusCodes.Status200OK)]
    public async Task<IActionResult> Sessions(string id, CancellationToken cancellationToken) =>
        await admin.ListSessionsAsync(id, cancellationToken) is { } sessions
            ? Ok(new ItemsDto<AdminSessionDto>([.. sessions.Select(AdminSessionDto.From)]))
            : NotFound();

    [HttpDelete("{id}/sessions")]
    [ProducesResponseType(StatusCodes.Status204NoContent)]
    public async Task<IActionResult> RevokeSessions(string id, CancellationToken cancellationToken) =>
        ToResult(await admin.RevokeSessionsAsync(Actor, id, cancellationToken), _ => NoContent());

    /// <summary>Turns the user's two-factor sign-in off (authenticator, recovery codes) and ends their sessions; audited.</summary>
    [HttpPost("{id}/reset-2fa")]
    [ProducesResponseType(StatusCodes.Status204NoContent)]
    public async Task<IActionResult> ResetTwoFactor(string id, CancellationToken cancellationToken) =>
        ToResult(await admin.ResetTwoFactorAsync(Actor, id, cancellationToken), _ => NoContent());

    private AdminActor Actor => new(User.GetUserId(), User.Identity?.Name ?? "");

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private AdminUserDto Dto(ManagedUser user) => AdminUserDto.From(user, clock.GetUtcNow());

    private IActionResult UserOk(ManagedUser? user) => user is null ? NotFound() : Ok(Dto(user));

    private IActionResult ToResult(AdminOutcome outcome, Func<ManagedUser?, IActionResult> done) => outcome switch
    {
        AdminOutcome.Done d => done(d.User),
        AdminOutcome.UserNotFound => NotFound(),
        AdminOutcome.Refused refused => Problem(statusCode: StatusCodes.Status409Conflict, title: refused.Title, detail: refused.Detail),
        AdminOutcome.Invalid invalid => this.ValidationProblem(invalid.Errors),
        _ => throw new UnreachableException($"Unexpected outcome {outcome.GetType().Name}."),
    };
}
