using JwtMvc.Core.Accounts;
using JwtMvc.Core.Admin;
using JwtMvc.Core.Auth;
using JwtMvc.Web.ApiDocs;
using JwtMvc.Web.Auth;
using JwtMvc.Web.Email;
using JwtMvc.Web.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace JwtMvc.Web.Areas.Admin.Controllers.Api;

/// <summary>Account mails an admin sends to a user.</summary>
[ApiController]
[Area("Admin")]
[Route("api/admin/users")]
[Authorize(Policy = AppPolicies.Admin)]
[RequiresEmail]
[RequestBodyLimit(RequestBodyLimitAttribute.SmallBodyBytes)]
public sealed class UserMailApiController(AccountEmailService accounts) : ControllerBase
{
    /// <summary>Mails the user a password reset link (202); audited.</summary>
    [HttpPost("{id}/send-reset")]
    [ProducesResponseType(StatusCodes.Status202Accepted)]
    [ProducesProblem(StatusCodes.Status409Conflict)]
    public async Task<IActionResult> SendReset(string id, CancellationToken cancellationToken) =>
        await accounts.SendResetByAdminAsync(new AdminActor(User.GetUserId(), User.Identity?.Name ?? ""), id, cancellationToken) switch
        {
            AdminResetMail.Queued => Accepted(),
            AdminResetMail.NoEmail => Problem(statusCode: StatusCodes.Status409Conflict, title: "No email address",
                detail: "This user has no email address to send a reset link to; set one first."),
            _ => NotFound(),
        };
}
