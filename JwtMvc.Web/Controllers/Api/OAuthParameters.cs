using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Net.Http.Headers;

namespace JwtMvc.Web.Controllers.Api;

/// <summary>The flat string parameters of an OAuth request, from a form body or a JSON object.</summary>
public sealed class OAuthParameters(IReadOnlyDictionary<string, string> values)
{
    public string? Get(string name) => values.TryGetValue(name, out var value) ? value : null;

    /// <summary>
    /// Null when the body is neither a form nor a JSON object of strings. The body's size is capped by the
    /// endpoint (<see cref="Security.RequestBodyLimitAttribute"/>).
    /// </summary>
    public static async Task<OAuthParameters?> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(cancellationToken);
            return new OAuthParameters(form.ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.Ordinal));
        }

        if (!request.HasJsonContentType() || !IsUtf8OrUnstated(request.ContentType))
        {
            return null;
        }

        try
        {
            var body = await request.ReadFromJsonAsync<Dictionary<string, JsonElement>>(cancellationToken);
            if (body is null || body.Values.Any(v => v.ValueKind != JsonValueKind.String))
            {
                return null;
            }

            return new OAuthParameters(body.ToDictionary(p => p.Key, p => p.Value.GetString()!, StringComparer.Ordinal));
        }
        catch (JsonException)
        {
            return null;
        }
    }

    // JSON exchanged between systems is UTF-8 (RFC 8259, section 8.1); any other declared charset is refused here
    // rather than left to the JSON reader, which throws for one it does not know.
    private static bool IsUtf8OrUnstated(string? contentType) =>
        !MediaTypeHeaderValue.TryParse(contentType, out var mediaType)
        || mediaType.Charset.Value is not { } charset
        || charset.Trim('"').Equals("utf-8", StringComparison.OrdinalIgnoreCase);
}

/// <summary>The parameters of POST /api/auth/token as the OpenAPI document shows them (the action reads them itself).</summary>
internal sealed record OAuthTokenForm(
    [property: JsonPropertyName("grant_type"), Description("password or refresh_token")] string GrantType,
    [property: JsonPropertyName("username"), Description("For grant_type=password: user name or email.")] string? Username,
    [property: JsonPropertyName("password"), Description("For grant_type=password.")] string? Password,
    [property: JsonPropertyName("refresh_token"), Description("For grant_type=refresh_token.")] string? RefreshToken);

/// <summary>The parameters of POST /api/auth/revoke (RFC 7009) as the OpenAPI document shows them.</summary>
internal sealed record OAuthRevokeForm(
    [property: JsonPropertyName("token"), Description("A refresh token or an access token.")] string Token);
