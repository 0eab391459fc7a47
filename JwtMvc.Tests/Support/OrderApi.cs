using System.Net;
using System.Net.Http.Json;
using JwtMvc.Data;
using JwtMvc.Data.Seeding;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace JwtMvc.Tests.Support;

/// <summary>The orders API as a client sees it, and the seeded sample orders by name.</summary>
internal static class OrderApi
{
    // Seeded by DevelopmentSeeder (SampleOrders): alice 1-5, bob 6-8.
    public static readonly Guid AlicesShippedOrder = SampleOrders.OrderId(2);
    public static readonly Guid AlicesCancelledOrder = SampleOrders.OrderId(3);
    public static readonly Guid BobsPendingOrder = SampleOrders.OrderId(8);
    public const int AlicesSeededOrders = 5;
    public const int BobsSeededOrders = 3;

    public static async Task<T> ReadAsync<T>(this HttpResponseMessage response, HttpStatusCode expected, string because)
    {
        Assert.That(response.StatusCode, Is.EqualTo(expected), () => $"{because}; body: {response.Content.ReadAsStringAsync().Result}");
        return (await response.Content.ReadFromJsonAsync<T>())!;
    }

    public static async Task<IReadOnlyDictionary<string, string[]>> ValidationErrorsAsync(this HttpResponseMessage response, string because)
    {
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), because);
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"), "errors are problem details");
        var problem = (await response.Content.ReadFromJsonAsync<ValidationProblemDetails>())!;
        return problem.Errors.AsReadOnly();
    }

    public static async Task<IReadOnlyList<ProductBody>> ProductsAsync(this SignedInClient client) =>
        await (await client.GetAsync("/api/products")).ReadAsync<List<ProductBody>>(HttpStatusCode.OK, "the catalogue is readable by any signed-in user");

    public static async Task<OrderBody> PlaceAsync(this SignedInClient client, params (Guid ProductId, int Quantity)[] items)
    {
        var response = await client.SendAsync(HttpMethod.Post, "/api/orders", new { items = items.Select(i => new { productId = i.ProductId, quantity = i.Quantity }) });
        return await response.ReadAsync<OrderBody>(HttpStatusCode.Created, "a valid order is placed");
    }

    public static async Task<OrderPageBody<OrderListItemBody>> ListAsync(this SignedInClient client, string query = "") =>
        await (await client.GetAsync("/api/orders" + query)).ReadAsync<OrderPageBody<OrderListItemBody>>(HttpStatusCode.OK, "listing own orders");

    /// <summary>Registers a user with no orders and signs them in (password as the seeded ones: Name#12345).</summary>
    public static async Task<SignedInClient> NewCustomerAsync(this JwtMvcFactory factory, string userName)
    {
        var client = factory.CreateClient();
        var response = await client.PostAsJsonAsync("/api/account/register", new { userName, email = userName + "@example.test", password = JwtMvcFactory.PasswordOf(userName) });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), $"registering {userName}");
        return await factory.LoginAsync(userName);
    }

    /// <summary>Changes a product's price in the database, as a catalogue manager would.</summary>
    public static async Task SetPriceAsync(this JwtMvcFactory factory, Guid productId, decimal price)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var changed = await db.Products.Where(p => p.Id == productId).ExecuteUpdateAsync(s => s.SetProperty(p => p.Price, price));
        Assert.That(changed, Is.EqualTo(1), "the product exists");
    }
}

public sealed record ProductBody(Guid Id, string Name, decimal Price, string Currency);

public sealed record OrderLineBody(Guid ProductId, string ProductName, decimal UnitPrice, int Quantity, decimal LineTotal);

public sealed record OrderBody(Guid Id, string Status, DateTimeOffset CreatedAt, DateTimeOffset? CancelledAt, decimal Total, string Currency, List<OrderLineBody> Lines);

public sealed record OrderListItemBody(Guid Id, string Status, DateTimeOffset CreatedAt, decimal Total, string Currency, int LineCount, string? UserName);

public sealed record OrderPageBody<T>(List<T> Items, int Page, int PageSize, int TotalCount);
