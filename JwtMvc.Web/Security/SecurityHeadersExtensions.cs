namespace JwtMvc.Web.Security;

public static class SecurityHeadersExtensions
{
    /// <summary>Registers the settings of <see cref="UseSecurityHeaders"/> and of HSTS.</summary>
    public static IServiceCollection AddSecurityHeaders(this IServiceCollection services)
    {
        services.AddOptions<SecurityHeadersOptions>().BindConfiguration(SecurityHeadersOptions.Section).ValidateOnStart();
        services.AddHsts(options =>
        {
            options.MaxAge = TimeSpan.FromDays(365);
            options.IncludeSubDomains = true;
        });
        return services;
    }

    /// <summary>
    /// Outside Development: HSTS and redirection to HTTPS. Everywhere: the CSP, <c>nosniff</c> and
    /// <c>Referrer-Policy</c> headers on every response. Call it first in the pipeline, so that static
    /// files, error pages and the redirects to HTTPS get the headers too.
    /// </summary>
    public static WebApplication UseSecurityHeaders(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseMiddleware<SecurityHeadersMiddleware>();
        if (!app.Environment.IsDevelopment())
        {
            app.UseHsts();
            app.UseHttpsRedirection();
        }

        return app;
    }
}
