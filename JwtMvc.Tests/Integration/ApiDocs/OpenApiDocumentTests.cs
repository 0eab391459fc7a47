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
