using JwtMvc.Core.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.Extensions.Options;

namespace JwtMvc.Web.Auth;

/// <summary>The Admin policy's second-factor part: <see cref="AppPolicies.MeetsAdminSecondFactor"/> on the token's <c>amr</c>.</summary>
internal sealed class AdminSecondFactorRequirement : IAuthorizationRequirement
{
    public static readonly AdminSecondFactorRequirement Instance = new();
}

internal sealed class AdminSecondFactorHandler(IOptions<AppAuthorizationOptions> options) : AuthorizationHandler<AdminSecondFactorRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, AdminSecondFactorRequirement requirement)
    {
        var methods = context.User.FindAll(AccessTokenClaims.AuthenticationMethods).Select(c => c.Value);
        if (AppPolicies.MeetsAdminSecondFactor(methods, options.Value))
        {
            context.Succeed(requirement);
        }

        // Otherwise left pending rather than failed: Fail() would empty FailedRequirements, which is how
        // AdminSecondFactorResultHandler tells "only the second factor is missing" from "not an admin at all".
        return Task.CompletedTask;
    }
}

/// <summary>
/// Says why an admin was refused when the missing second factor is the only reason (the role is there): 403 problem
/// details with <c>"code": "mfa_required"</c>, so the page and API clients can tell the admin what to do. Every other
/// outcome is the default one.
/// </summary>
internal sealed class AdminSecondFactorResultHandler(IProblemDetailsService problems) : IAuthorizationMiddlewareResultHandler
{
    public const string Code = "mfa_required";

    private readonly AuthorizationMiddlewareResultHandler fallback = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(authorizeResult);
        if (authorizeResult.Forbidden
            && authorizeResult.AuthorizationFailure is { FailedRequirements: var failed } && failed.Any()
            && failed.All(r => r is AdminSecondFactorRequirement))
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            await problems.TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails =
                {
                    Status = StatusCodes.Status403Forbidden,
                    Title = "A second factor is required",
                    Detail = "Admin access needs a sign-in with a second factor. Sign out, then sign in with your password and an authenticator code (or a passkey).",
                    Extensions = { ["code"] = Code },
                },
            });
            return;
        }

        await fallback.HandleAsync(next, context, policy, authorizeResult);
    }
}
