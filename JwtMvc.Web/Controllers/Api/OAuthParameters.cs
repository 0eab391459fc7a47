using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Net.Http.Headers;

namespace JwtMvc.Web.Controllers.Api;

/// <summary>The flat string parameters of an OAuth request, from a form body or a JSON object.</summary>
public sealed class OAuthParameters
{
    private const string NotParameters = "Send the parameters as application/x-www-form-urlencoded or a JSON object.";

    private readonly IReadOnlyDictionary<string, string> values;

    private OAuthParameters(IReadOnlyDictionary<string, string> values, string? error) => (this.values, Error) = (values, error);

    /// <summary>Why the body carries no parameters (the <c>invalid_request</c> description); null when it does.</summary>
    public string? Error { get; }

    public string? Get(string name) => values.TryGetValue(name, out var value) ? value : null;

    /// <summary>
    /// The parameters of a form or a JSON object of strings; anything else, a form the framework's reader refuses (too
    /// many fields, no multipart boundary) and a parameter sent twice (RFC 6749, section 3.2) come with an
    /// <see cref="Error"/>. The body's size is capped by the endpoint (<see cref="Security.RequestBodyLimitAttribute"/>).
    /// </summary>
    public static async Task<OAuthParameters> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.HasFormContentType)
        {
            IFormCollection form;
            try
            {
                form = await request.ReadFormAsync(cancellationToken);
            }
            catch (Exception unreadable) when (unreadable is InvalidDataException
                || (unreadable is IOException and not BadHttpRequestException && !request.HttpContext.RequestAborted.IsCancellationRequested))
            {
                return Invalid(NotParameters); // too many fields, no multipart boundary, a multipart body cut short
            }

            return form.FirstOrDefault(f => f.Value.Count > 1) is { Key: { } repeated }
                ? Invalid($"The {repeated} parameter is sent more than once.")
                : Of(form.ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.Ordinal));
        }

        if (!request.HasJsonContentType() || !IsUtf8OrUnstated(request.ContentType))
        {
            return Invalid(NotParameters);
        }

        try
        {
            var body = await request.ReadFromJsonAsync<Dictionary<string, JsonElement>>(cancellationToken);
            if (body is null || body.Values.Any(v => v.ValueKind != JsonValueKind.String))
            {
                return Invalid(NotParameters);
            }

            return Of(body.ToDictionary(p => p.Key, p => p.Value.GetString()!, StringComparer.Ordinal));
        }
        catch (JsonException)
        {
            return Invalid(NotParameters);
        }
    }

    private static OAuthParameters Of(IReadOnlyDictionary<string, string> values) => new(values, null);

    private static OAuthParameters Invalid(string error) => new(new Dictionary<string, string>(), error);

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
