using System.Net.Http.Json;

namespace JwtMvc.Tests.Support;

/// <summary>Refresh requests that present a given refresh token, as a client that lost an answer would.</summary>
internal static class RefreshRequests
{
    /// <summary>POST /api/auth/refresh with exactly this cookie (none when null), from a client that keeps no cookies.</summary>
    public static Task<HttpResponseMessage> RefreshWithCookieAsync(this JwtMvcFactory factory, string? cookie)
    {
        var client = factory.CreateClient(new() { HandleCookies = false });
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/refresh");
        request.Headers.Add("X-Requested-With", "XMLHttpRequest");
        if (cookie is not null)
        {
            request.Headers.Add("Cookie", $"jwtmvc.refresh={cookie}");
        }

        return client.SendAsync(request);
    }

    /// <summary>POST /api/auth/token with the refresh_token grant.</summary>
    public static Task<HttpResponseMessage> RefreshGrantAsync(this JwtMvcFactory factory, string refreshToken) =>
        factory.CreateClient().PostAsync("/api/auth/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["refresh_token"] = refreshToken,
        }));

    /// <summary>The refresh cookie a response sets, or null.</summary>
    public static string? RefreshCookieOf(HttpResponseMessage response)
    {
        var header = response.Headers.TryGetValues("Set-Cookie", out var values)
            ? values.FirstOrDefault(v => v.StartsWith("jwtmvc.refresh=", StringComparison.Ordinal))
            : null;
        var value = header?["jwtmvc.refresh=".Length..].Split(';')[0];
        return string.IsNullOrEmpty(value) ? null : value;
    }

    public static async Task<string> AccessTokenOf(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<SessionBody>())!.AccessToken;
}
