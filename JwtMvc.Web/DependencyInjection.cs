using JwtMvc.Core.Auth;
using JwtMvc.Web.ApiDocs;
using JwtMvc.Core.Uploads;
using JwtMvc.Web.Auth;
using JwtMvc.Web.Auth.Passkeys;
using JwtMvc.Web.Cluster;
using JwtMvc.Web.Controllers.Api;
using JwtMvc.Web.Email;
using JwtMvc.Web.Errors;
using JwtMvc.Web.Security;
using JwtMvc.Web.Telemetry;
using JwtMvc.Web.Uploads;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.ModelBinding.Metadata;
using Microsoft.Extensions.Options;

namespace JwtMvc.Web;

public static class DependencyInjection
{
    public static IServiceCollection AddJwtMvcWeb(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddHostedService<KeyRotationService>();
        services.AddOptions<PublicUrlOptions>()
            .Bind(configuration.GetSection(PublicUrlOptions.Section))
            .Validate(o => o.PublicBaseUrl is null || PublicUrlOptions.IsValid(o.PublicBaseUrl), "App:PublicBaseUrl must be an absolute http(s) URL without query or fragment, e.g. https://auth.example.com.")
            .ValidateOnStart();
        services.AddOptions<AccessTokenSourceOptions>().Bind(configuration.GetSection(AccessTokenSourceOptions.Section)).ValidateOnStart();
        services.AddSingleton<IConfigureOptions<JwtBearerOptions>, JwtBearerSetup>();
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        services.AddAuthorizationBuilder()
            // Fail closed: an endpoint is for signed-in users unless it says [AllowAnonymous].
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(AppPolicies.Admin, policy => policy.RequireRole(AppRoles.Admin).AddRequirements(AdminSecondFactorRequirement.Instance));
        services.AddSingleton<IAuthorizationHandler, AdminSecondFactorHandler>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, AdminSecondFactorResultHandler>();

        services.AddOptions<AccountOptions>().Bind(configuration.GetSection(AccountOptions.Section)).ValidateOnStart();
        services.AddCluster(configuration);
        services.AddTrustedProxies(configuration);
        services.AddAuthRateLimiting(configuration);
        services.AddWriteRateLimiting(configuration);
        services.AddPasskeys(configuration);
        TokenGrants.AddTokenGrants(services);
        services.AddJwtMvcEmail(configuration);
        services.AddSingleton<IValidateOptions<UploadOptions>, UploadRootValidator>();

        services.AddSecurityHeaders();
        services.AddProblemDetails();
        services.ConfigureHttpJsonOptions(options => options.SerializerOptions.TypeInfoResolverChain.Insert(0, ApiJsonContext.Default));
        services.AddExceptionHandler<ExceptionToProblemHandler>();
        services.AddControllersWithViews(options =>
            options.ModelMetadataDetailsProviders.Add(new SystemTextJsonValidationMetadataProvider()));
        services.AddApiDocs(configuration);
        services.AddTelemetry(configuration);
        return services;
    }

    public static WebApplication UseJwtMvcPipeline(this WebApplication app)
    {
        app.UseTrustedProxies(); // first: everything after sees the client's address and scheme
        app.UseExceptionHandler();
        app.UseSecurityHeaders(); // HSTS and HTTPS outside Development; CSP, nosniff, Referrer-Policy everywhere

        app.UseMetricsEndpoint();
        app.UseStatusCodePages();
        app.UseRouting();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter(); // after authorization: the write budget is per account, and a refused caller spends none

        // Scripts, styles and page shells are public; every read and write of data goes through the API with a token.
        app.MapStaticAssets().AllowAnonymous();
        app.MapHealthChecks("/health", new() { ResponseWriter = HealthReportWriter.WriteAsync }).AllowAnonymous();
        app.MapControllers();
        app.MapApiDocs();
        app.MapControllerRoute("areas", "{area:exists}/{controller=Home}/{action=Index}/{id?}").WithStaticAssets();
        app.MapControllerRoute("default", "{controller=Home}/{action=Index}/{id?}").WithStaticAssets();
        app.MapFallback("{*path}", context =>
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }).AllowAnonymous();
        return app;
    }
}
