using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using JwtMvc.Tests.Support;
using JwtMvc.Web.Auth;

using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace JwtMvc.Tests.Integration.Auth;

/// <summary>RateLimiting:Writes: what one account stores (orders, passkeys, its profile) is on one budget per account.</summary>
public sealed class WriteRateLimitTests : AppFixture
{
    private const int Limit = 3;

    protected override JwtMvcFactory CreateFactory() => new(new Dictionary<string, string?>
    {
        ["RateLimiting:Writes:PermitLimit"] = Limit.ToString(CultureInfo.InvariantCulture),
        ["RateLimiting:Writes:WindowSeconds"] = "60",
    });

    [Test]
    public async Task An_account_that_stores_too_much_at_once_gets_429_and_other_accounts_do_not()
    {
        // Arrange: alice spends her budget on orders.
        var alice = await Factory.LoginAsync("alice");
        var bob = await Factory.LoginAsync("bob");
        var product = (await alice.ProductsAsync())[0].Id;
        for (var i = 0; i < Limit; i++)
        {
            await alice.PlaceAsync((product, 1));
        }

        // Act
        var order = await alice.SendAsync(HttpMethod.Post, "/api/orders", new { items = new[] { new { productId = product, quantity = 1 } } });
        var profile = await alice.SendAsync(HttpMethod.Put, "/api/account/profile", new { displayName = "Alice A." });
        var cancel = await alice.SendAsync(HttpMethod.Post, $"/api/orders/{OrderApi.AlicesShippedOrder}/cancel");
        var bobsOrder = await bob.SendAsync(HttpMethod.Post, "/api/orders", new { items = new[] { new { productId = product, quantity = 1 } } });
        var read = await alice.GetAsync("/api/orders");

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(order.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests), "one order more than the budget");
            Assert.That(profile.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests), "the profile shares the account's budget");
            Assert.That(cancel.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests), "and so does a cancellation");
            Assert.That(bobsOrder.StatusCode, Is.EqualTo(HttpStatusCode.Created), "per account, not per address: bob signs in from the same one");
            Assert.That(read.StatusCode, Is.EqualTo(HttpStatusCode.OK), "reads are not limited");
            Assert.That(int.Parse(order.Headers.GetValues("Retry-After").Single(), CultureInfo.InvariantCulture), Is.InRange(1, 60));
            Assert.That(order.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        });
        var problem = JsonNode.Parse(await order.Content.ReadAsStringAsync())!;
        Assert.That((string?)problem["detail"], Does.StartWith("Too many changes from this account."));
    }

    /// <summary>The limiter runs after authorization: the budget is the account's, so a caller with none is refused first.</summary>
    [Test]
    public async Task A_caller_without_a_token_is_refused_as_unauthenticated_every_time()
    {
        var anonymous = Factory.CreateClient();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < Limit + 2; i++)
        {
            statuses.Add((await anonymous.PostAsync("/api/orders", JsonContent.Create(new { items = Array.Empty<object>() }))).StatusCode);
        }

        Assert.That(statuses, Is.All.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public void Each_rate_limit_covers_exactly_the_endpoints_it_is_for()
    {
        var limited = Factory.Services.GetServices<EndpointDataSource>()
            .SelectMany(source => source.Endpoints)
            .OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<EnableRateLimitingAttribute>() is not null)
            .ToLookup(
                e => e.Metadata.GetMetadata<EnableRateLimitingAttribute>()!.PolicyName,
                e => $"{string.Join(',', e.Metadata.GetMetadata<IHttpMethodMetadata>()!.HttpMethods)} /{e.RoutePattern.RawText!.TrimStart('/')}");

        Assert.That(limited[WriteRateLimiting.Policy], Is.EquivalentTo(new[]
        {
            "POST /api/orders",
            "POST /api/orders/{id:guid}/cancel",
            "POST /api/account/passkeys",
            "PUT /api/account/passkeys/{id}",
            "DELETE /api/account/passkeys/{id}",
            "PUT /api/account/profile",
        }));
        Assert.That(limited[AuthRateLimiting.Policy], Is.EquivalentTo(new[]
        {
            "POST /api/auth/login",
            "POST /api/auth/login/2fa",
            "POST /api/auth/passkey/options",
            "POST /api/auth/passkey/login",
            "POST /api/auth/token",
            "POST /api/account/register",
            "POST /api/account/password",
            "POST /api/account/forgot-password",
            "POST /api/account/resend-confirmation",
            "POST /api/account/reset-password",
            "POST /api/account/email",
            "POST /api/account/2fa/recovery-codes",
            "POST /api/account/2fa/disable",
        }));
    }
}
