using System.Text.Json;
using JwtMvc.Core.Auth.Passkeys;
using JwtMvc.Web.Auth;
using JwtMvc.Web.Auth.Passkeys;
using JwtMvc.Web.Errors;
using JwtMvc.Web.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace JwtMvc.Web.Controllers.Api;

/// <summary>The caller's own passkeys: register (options, then the created credential), list, rename, remove.</summary>
[ApiController]
[Route("api/account/passkeys")]
[Authorize]
[PasskeysEnabled]
[ResponseCache(NoStore = true, Location = ResponseCacheLocation.None)]
[RequestBodyLimit(RequestBodyLimitAttribute.SmallBodyBytes)]
public sealed class PasskeysController(PasskeyService passkeys) : ControllerBase
{
    /// <summary>
    /// Creation options for <c>navigator.credentials.create()</c>: one ceremony, used once, for 5 minutes; none for an
    /// account that already holds as many passkeys as it may.
    /// </summary>
    [HttpPost("options")]
    public async Task<Results<Ok<JsonElement>, NotFound, ValidationProblem>> Options(CancellationToken cancellationToken) =>
        await passkeys.BeginRegistrationAsync(User.GetUserId(), cancellationToken) switch
        {
            PasskeyCreationOptions.Ready ready => TypedResults.Ok(PasskeyJson.Parse(ready.OptionsJson)),
            PasskeyCreationOptions.Invalid invalid => ProblemResults.ValidationProblem([invalid.Error]),
            _ => TypedResults.NotFound(),
        };

    [HttpPost]
    [EnableRateLimiting(WriteRateLimiting.Policy)] // a security event per passkey added, kept for months
    public async Task<Results<Created<PasskeyCreatedResponse>, ValidationProblem>> Register(RegisterPasskeyRequest request, CancellationToken cancellationToken)
    {
        var outcome = await passkeys.RegisterAsync(User.GetUserId(), PasskeyJson.CredentialText(request.Credential), request.Name, HttpContext.GetClientInfo(), cancellationToken);
        return outcome switch
        {
            PasskeyChange.Done done => TypedResults.Created($"/api/account/passkeys/{done.Passkey.Id}",
                new PasskeyCreatedResponse(done.Passkey.Id, done.Passkey.Name, done.Passkey.CreatedAt)),
            _ => Invalid(outcome),
        };
    }

    [HttpGet]
    public async Task<PasskeyListResponse> List(CancellationToken cancellationToken) =>
        new([.. (await passkeys.ListAsync(User.GetUserId(), cancellationToken)).Select(PasskeyItem.From)]);

    [HttpPut("{id}")]
    [EnableRateLimiting(WriteRateLimiting.Policy)] // a security event per rename
    public async Task<Results<Ok<PasskeyItem>, NotFound, ValidationProblem>> Rename(string id, RenamePasskeyRequest request, CancellationToken cancellationToken)
    {
        var outcome = await passkeys.RenameAsync(User.GetUserId(), id, request.Name, HttpContext.GetClientInfo(), cancellationToken);
        return outcome switch
        {
            PasskeyChange.Done done => TypedResults.Ok(PasskeyItem.From(done.Passkey)),
            PasskeyChange.Missing => TypedResults.NotFound(),
            _ => Invalid(outcome),
        };
    }

    [HttpDelete("{id}")]
    [EnableRateLimiting(WriteRateLimiting.Policy)] // a security event per passkey removed
    public async Task<Results<NoContent, NotFound>> Remove(string id, CancellationToken cancellationToken) =>
        await passkeys.RemoveAsync(User.GetUserId(), id, HttpContext.GetClientInfo(), cancellationToken) is PasskeyChange.Done
            ? TypedResults.NoContent()
            : TypedResults.NotFound();

    private static ValidationProblem Invalid(PasskeyChange outcome) =>
        ProblemResults.ValidationProblem([((PasskeyChange.Invalid)outcome).Error]);
}

/// <param name="Credential">What <c>navigator.credentials.create()</c> answered, as <c>PublicKeyCredential.toJSON()</c> gives it.</param>
public sealed record RegisterPasskeyRequest(JsonElement Credential, string? Name);

public sealed record RenamePasskeyRequest(string? Name);

/// <param name="Credential">What <c>navigator.credentials.get()</c> answered, as <c>PublicKeyCredential.toJSON()</c> gives it.</param>
public sealed record PasskeyLoginRequest(JsonElement Credential);

public sealed record PasskeyCreatedResponse(string Id, string Name, DateTimeOffset CreatedAt);

public sealed record PasskeyItem(string Id, string Name, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt)
{
    public static PasskeyItem From(PasskeyInfo passkey) => new(passkey.Id, passkey.Name, passkey.CreatedAt, passkey.LastUsedAt);
}

public sealed record PasskeyListResponse(IReadOnlyList<PasskeyItem> Items);

/// <summary>The WebAuthn JSON that passes through the API as it is.</summary>
internal static class PasskeyJson
{
    public static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    /// <summary>The credential as JSON text: an object as sent, or a string that holds the JSON; null for anything else.</summary>
    public static string? CredentialText(JsonElement credential) => credential.ValueKind switch
    {
        JsonValueKind.Object => credential.GetRawText(),
        JsonValueKind.String => credential.GetString(),
        _ => null,
    };
}
