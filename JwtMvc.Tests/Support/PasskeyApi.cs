using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace JwtMvc.Tests.Support;

/// <summary>The passkey ceremonies through the API, with a <see cref="SoftwareAuthenticator"/> in the browser's place.</summary>
public static class PasskeyApi
{
    public static async Task<JsonElement> CreationOptionsAsync(this SignedInClient client)
    {
        var response = await client.SendAsync(HttpMethod.Post, "/api/account/passkeys/options");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>Registers the authenticator's passkey for the client's user; returns the 201 body.</summary>
    public static async Task<PasskeyBody> AddPasskeyAsync(this SignedInClient client, SoftwareAuthenticator authenticator, string name = "Laptop")
    {
        var credential = authenticator.Create(await client.CreationOptionsAsync());
        var response = await client.SendAsync(HttpMethod.Post, "/api/account/passkeys", new { credential, name });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<PasskeyBody>())!;
    }

    public static async Task<JsonElement> RequestOptionsAsync(this HttpClient client)
    {
        var response = await client.PostAsync("/api/auth/passkey/options", null);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public static Task<HttpResponseMessage> PasskeyLoginAsync(this HttpClient client, JsonNode? credential) =>
        client.PostAsJsonAsync("/api/auth/passkey/login", new { credential });

    public static async Task<PasskeyBody[]> PasskeysAsync(this SignedInClient client)
    {
        var response = await client.GetAsync("/api/account/passkeys");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        return (await response.Content.ReadFromJsonAsync<PasskeyListBody>())!.Items;
    }
}

public sealed record PasskeyBody(string Id, string Name, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt);

public sealed record PasskeyListBody(PasskeyBody[] Items);
