using JwtMvc.Core.Auth;
using JwtMvc.Web.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace JwtMvc.Web.Controllers.Api;

[ApiController]
[Route("api/me")]
[Authorize]
public sealed class MeController(IUserRecordCache cachedUsers) : ControllerBase
{
    [HttpGet]
    public async Task<Results<Ok<MeResponse>, NotFound>> Get()
    {
        // No parameters: MVC then binds nothing, which it would otherwise set up on every call for the cancellation token.
        var userId = User.GetUserId();

        // A hit answers without building the scoped reader and the pooled database context under it.
        var user = cachedUsers.TryGet(userId, out var cached)
            ? cached
            : await HttpContext.RequestServices.GetRequiredService<IUserReader>().FindCachedAsync(userId, HttpContext.RequestAborted);
        if (user is null)
        {
            return TypedResults.NotFound();
        }

        long? expires = long.TryParse(User.FindFirst("exp")?.Value, out var seconds) ? seconds : null;
        return TypedResults.Ok(new MeResponse(user.Id, user.UserName, user.DisplayName, user.Email, user.Roles, User.GetSessionId(),
            expires is { } exp ? DateTimeOffset.FromUnixTimeSeconds(exp) : null));
    }
}
