using System.Net;
using System.Text.RegularExpressions;
using JwtMvc.Tests.Support;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;

namespace JwtMvc.Tests.Integration.ApiDocs;

public sealed partial class OpenApiDocumentTests : AppFixture
{
    private OpenApiDocument document = null!;

    protected override JwtMvcFactory CreateFactory() => new(new Dictionary<string, string?> { ["Api:Docs"] = "true", ["Email:Enabled"] = "false" }) { Environment = "Production" };

    [OneTimeSetUp]
    public async Task ReadDocumentAsync()
    {
        // Production redirects plain HTTP to HTTPS; Api:Docs=true turns the document on there too.
        using var client = Factory.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost") });
        using var response = await client.GetAsync("/openapi/v1.json");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), "Api:Docs=true must serve the document");
        await using var stream = await response.Content.ReadAsStreamAsync();
        var result = await OpenApiDocument.LoadAsync(stream, "json", new OpenApiReaderSettings());
        Assert.That(result.Diagnostic?.Errors, Is.Empty, "the document must read without errors");
        Assert.That(result.Diagnostic!.SpecificationVersion, Is.EqualTo(OpenApiSpecVersion.OpenApi3_1), "the document is OpenAPI 3.1");
        document = result.Document!;
    }

    [Test]
    public void Every_api_route_the_app_maps_is_in_the_document()
    {
        var mapped = MappedApiOperations();
        Assert.That(mapped, Is.Not.Empty, "the app maps API routes");

        var documented = document.Paths
            .SelectMany(path => path.Value.Operations!.Keys.Select(method => $"{method.Method.ToUpperInvariant()} {path.Key}"))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);

        Assert.That(mapped.Where(operation => !documented.Contains(operation)), Is.Empty,
            "every /api endpoint must be described in /openapi/v1.json");
    }

    [Test]
    public void Protected_operations_require_the_bearer_scheme_and_anonymous_ones_do_not()
    {
        Assert.That(document.Components!.SecuritySchemes!["Bearer"].Scheme, Is.EqualTo("bearer"));

        Assert.Multiple(() =>
        {
            Assert.That(RequiresBearer("/api/me", HttpMethod.Get), Is.True, "GET /api/me needs a token");
            Assert.That(RequiresBearer("/api/orders", HttpMethod.Post), Is.True, "POST /api/orders needs a token");
            Assert.That(RequiresBearer("/api/admin/users", HttpMethod.Get), Is.True, "the admin API needs a token");
            Assert.That(RequiresBearer("/api/auth/login", HttpMethod.Post), Is.False, "login is anonymous");
            Assert.That(RequiresBearer("/api/auth/token", HttpMethod.Post), Is.False, "the token endpoint is anonymous");
        });
    }

    [Test]
    public void Every_operation_carries_the_requirement_exactly_when_it_is_protected()
    {
        var endpoints = ApiEndpoints().ToList();
        Assert.That(endpoints, Is.Not.Empty, "the app maps API routes");
        Assert.Multiple(() =>
        {
            foreach (var (key, endpoint) in endpoints)
            {
                var anonymous = endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Authorization.IAllowAnonymous>() is not null;
                var (method, path) = Split(key);
                Assert.That(RequiresBearer(path, method), Is.EqualTo(!anonymous), $"{key}: security requirement iff not [AllowAnonymous]");
                if (!anonymous)
                {
                    Assert.That(Operation(path, method).Responses!.ContainsKey("401"), Is.True, $"{key} documents its 401");
                }
            }
        });
    }

    [Test]
    public void Admin_operations_document_403_and_resource_operations_404()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Operation("/api/admin/users", HttpMethod.Get).Responses!.ContainsKey("403"), Is.True);
            Assert.That(Operation("/api/orders/{id}", HttpMethod.Get).Responses!.ContainsKey("404"), Is.True);
            var problem = Operation("/api/orders", HttpMethod.Post).Responses!["400"];
            Assert.That(problem.Content!.Keys, Does.Contain("application/problem+json"), "validation answers are problem details");
        });
    }

    [TestCase("/api/auth/token", "grant_type")]
    [TestCase("/api/auth/revoke", "token")]
    public void OAuth_endpoints_take_form_bodies(string path, string parameter)
    {
        var body = Operation(path, HttpMethod.Post).RequestBody;

        Assert.That(body?.Content, Is.Not.Null.And.ContainKey("application/x-www-form-urlencoded"), $"{path} takes a form");
        var schema = body!.Content!["application/x-www-form-urlencoded"].Schema!;
        Assert.That(schema.Properties!.Keys, Does.Contain(parameter));
    }

    // The contract's answers with no body: RFC 7009 revocation (200, empty), and the 202s of the mail endpoints.
    private static readonly HashSet<string> EmptySuccessAnswers = new(StringComparer.OrdinalIgnoreCase)
    {
        "POST /api/auth/revoke 200",
        "POST /api/account/forgot-password 202",
        "POST /api/account/resend-confirmation 202",
        "POST /api/account/email 202",
        "POST /api/admin/users/{id}/send-reset 202",
    };

    // The contract's POSTs that take no body (everything else that is POST or PUT has one).
    private static readonly HashSet<string> BodilessWrites = new(StringComparer.OrdinalIgnoreCase)
    {
        "POST /api/auth/refresh",
        "POST /api/auth/logout",
        "POST /api/auth/passkey/options",
        "POST /api/account/passkeys/options",
        "POST /api/account/sessions/revoke-others",
        "POST /api/account/2fa/authenticator",
        "POST /api/orders/{id}/cancel",
        "POST /api/admin/users/{id}/unlock",
        "POST /api/admin/users/{id}/reset-2fa",
        "POST /api/admin/users/{id}/send-reset",
        "POST /api/admin/keys/rotate",
        "POST /api/admin/keys/{kid}/revoke",
    };

    [Test]
    public void Every_api_operation_documents_its_success_schema_and_its_request_body()
    {
        var operations = document.Paths
            .Where(path => path.Key.StartsWith("/api/", StringComparison.OrdinalIgnoreCase))
            .SelectMany(path => path.Value.Operations!.Select(operation => (Key: $"{operation.Key.Method.ToUpperInvariant()} {path.Key}", Method: operation.Key, Operation: operation.Value)))
            .ToList();
        Assert.That(operations, Is.Not.Empty, "the document describes the API");

        Assert.Multiple(() =>
        {
            foreach (var (key, method, operation) in operations)
            {
                var successes = operation.Responses!.Where(response => response.Key.StartsWith('2')).ToList();
                Assert.That(successes, Is.Not.Empty, $"{key} documents its success answer");
                foreach (var (status, response) in successes.Where(response => response.Key != "204"))
                {
                    if (EmptySuccessAnswers.Contains($"{key} {status}"))
                    {
                        Assert.That(response.Content, Is.Null.Or.Empty, $"{key} answers {status} with no body, as the contract says");
                        continue;
                    }

                    Assert.That(response.Content, Is.Not.Null.And.Not.Empty, $"{key} {status} names its content type");
                    Assert.That(response.Content?.Values.All(media => media.Schema is not null), Is.True, $"{key} {status} has a response schema");
                }

                if (operation.Responses!.TryGetValue("204", out var noContent))
                {
                    Assert.That(noContent.Content, Is.Null.Or.Empty, $"{key} 204 has no body");
                }

                if ((method == HttpMethod.Post || method == HttpMethod.Put) && !BodilessWrites.Contains(key))
                {
                    Assert.That(operation.RequestBody?.Content, Is.Not.Null.And.Not.Empty, $"{key} documents its request body");
                    Assert.That(operation.RequestBody?.Content?.Values.All(media => media.Schema is not null), Is.True, $"{key} has a request schema");
                }
            }
        });
    }

    [Test]
    public void Upload_takes_multipart_files_and_answers_201_with_the_files_or_413_or_415()
    {
        var upload = Operation("/api/uploads", HttpMethod.Post);

        Assert.That(upload.RequestBody?.Content, Is.Not.Null.And.ContainKey("multipart/form-data"), "the upload is a multipart form");
        var form = upload.RequestBody!.Content!["multipart/form-data"].Schema!;
        Assert.That(form.Properties, Is.Not.Null.And.ContainKey("files"), "the files travel in parts named 'files'");
        var files = form.Properties!["files"];
        Assert.Multiple(() =>
        {
            Assert.That(files.Type, Is.EqualTo(JsonSchemaType.Array), "one or more files");
            Assert.That(files.Items?.Format, Is.EqualTo("binary"), "each part is a file's bytes");
            Assert.That(upload.Responses!.Keys, Does.Not.Contain("200"), "an upload answers 201, never 200");
            Assert.That(upload.Responses!.TryGetValue("201", out var created), Is.True, "an upload answers 201");
            Assert.That(created?.Content?["application/json"].Schema?.Properties?.Keys, Does.Contain("items"), "201 carries {items}");
            Assert.That(ProblemContent(upload, "413"), Is.True, "a file over the limit or the quota is 413 problem details");
            Assert.That(ProblemContent(upload, "415"), Is.True, "a file of a type not accepted is 415 problem details");
        });
    }

    [Test]
    public void A_download_documents_the_bytes()
    {
        var download = Operation("/api/uploads/{id}/content", HttpMethod.Get);

        Assert.That(download.Responses!.TryGetValue("200", out var ok), Is.True);
        Assert.That(ok!.Content?.Values.Select(media => media.Schema?.Format), Is.Not.Empty.And.All.EqualTo("binary"), "the content is the file's bytes");
    }

    [Test]
    public void A_password_sign_in_documents_both_of_its_200_answers()
    {
        var ok = Operation("/api/auth/login", HttpMethod.Post).Responses!["200"];

        var schemas = ok.Content?["application/json"].Schema?.OneOf;
        Assert.That(schemas, Is.Not.Null.And.Count.EqualTo(2), "the tokens, or the second factor the user needs");
        Assert.That(schemas!.SelectMany(schema => schema.Properties?.Keys ?? []), Does.Contain("accessToken").And.Contain("mfaToken"));
    }

    [TestCase("/api/admin/users", "POST", "201")]
    [TestCase("/api/admin/users/{id}", "DELETE", "204")]
    [TestCase("/api/admin/users/{id}/send-reset", "POST", "202")]
    [TestCase("/api/admin/users/{id}/sessions", "DELETE", "204")]
    [TestCase("/api/uploads/{id}", "DELETE", "204")]
    [TestCase("/api/account/2fa/disable", "POST", "204")]
    [TestCase("/api/account/forgot-password", "POST", "202")]
    [TestCase("/api/admin/keys/rotate", "POST", "201")]
    public void Operations_document_the_success_status_they_answer(string path, string method, string status)
    {
        var responses = Operation(path, new HttpMethod(method)).Responses!;

        Assert.Multiple(() =>
        {
            Assert.That(responses.Keys.Where(key => key.StartsWith('2')), Is.EqualTo(new[] { status }), $"{method} {path} succeeds with {status} only");
            if (status == "201")
            {
                Assert.That(responses[status].Content?["application/json"].Schema, Is.Not.Null, $"{method} {path} answers with what it created");
            }
        });
    }

    [TestCase("/api/admin/users/{id}", "DELETE", "409")]
    [TestCase("/api/admin/users/{id}/lock", "POST", "409")]
    [TestCase("/api/admin/users/{id}/roles", "PUT", "409")]
    [TestCase("/api/admin/users/{id}/send-reset", "POST", "409")]
    [TestCase("/api/admin/keys/rotate", "POST", "409")]
    [TestCase("/api/orders/{id}/cancel", "POST", "409")]
    [TestCase("/api/account/2fa/enable", "POST", "409")]
    [TestCase("/api/auth/login", "POST", "401")]
    [TestCase("/api/auth/login", "POST", "423")]
    [TestCase("/api/auth/login", "POST", "429")]
    [TestCase("/api/orders", "POST", "429")]
    [TestCase("/api/auth/login", "POST", "413")]
    [TestCase("/api/admin/users", "POST", "413")]
    public void Operations_document_the_errors_the_contract_lists(string path, string method, string status)
    {
        Assert.That(ProblemContent(Operation(path, new HttpMethod(method)), status), Is.True, $"{method} {path} documents its {status} as problem details");
    }

    private static bool ProblemContent(OpenApiOperation operation, string status) =>
        operation.Responses!.TryGetValue(status, out var response)
        && response.Content?.TryGetValue("application/problem+json", out var media) == true
        && media.Schema is not null;

    private OpenApiOperation Operation(string path, HttpMethod method)
    {
        Assert.That(document.Paths.TryGetValue(path, out var item), Is.True, $"{path} must be documented");
        Assert.That(item!.Operations!.TryGetValue(method, out var operation), Is.True, $"{method} {path} must be documented");
        return operation!;
    }

    private bool RequiresBearer(string path, HttpMethod method) =>
        Operation(path, method).Security?.Any(requirement => requirement.Keys.Any(scheme => scheme.Reference.Id == "Bearer")) == true;

    private HashSet<string> MappedApiOperations() => ApiEndpoints().Select(e => e.Key).ToHashSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>Every (method, OpenAPI path) the app's routing answers under /api, from its own endpoint data sources.</summary>
    private IEnumerable<(string Key, RouteEndpoint Endpoint)> ApiEndpoints()
    {
        var sources = Factory.Services.GetServices<EndpointDataSource>();
        foreach (var endpoint in sources.SelectMany(source => source.Endpoints).OfType<RouteEndpoint>())
        {
            var path = "/" + endpoint.RoutePattern.RawText!.TrimStart('/');
            if (!path.StartsWith("/api/", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            path = RouteConstraint().Replace(path, "{$1}");
            foreach (var method in endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.IHttpMethodMetadata>()?.HttpMethods ?? ["GET"])
            {
                yield return ($"{method} {path}", endpoint);
            }
        }
    }

    private static (HttpMethod Method, string Path) Split(string key)
    {
        var space = key.IndexOf(' ', StringComparison.Ordinal);
        return (new HttpMethod(key[..space]), key[(space + 1)..]);
    }

    // {id:guid} -> {id}, {*path} -> {path}, {id?} -> {id}
    [GeneratedRegex(@"\{\**([A-Za-z0-9_]+)[^}]*\}")]
    private static partial Regex RouteConstraint();
}
