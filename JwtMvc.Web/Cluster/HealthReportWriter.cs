using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace JwtMvc.Web.Cluster;

/// <summary>/health as JSON: the overall status and, per check, its status and why (never an exception's stack).</summary>
internal static class HealthReportWriter
{
    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        var body = new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(
                entry => entry.Key,
                entry => new { status = entry.Value.Status.ToString(), description = entry.Value.Description }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body), context.RequestAborted);
    }
}
