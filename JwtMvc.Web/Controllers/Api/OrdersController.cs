using JwtMvc.Core.Orders;
using JwtMvc.Web.ApiDocs;
using JwtMvc.Web.Auth;
using JwtMvc.Web.Errors;
using JwtMvc.Web.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace JwtMvc.Web.Controllers.Api;

/// <summary>The caller's own orders. Another user's order is 404 here, exactly like one that does not exist.</summary>
[ApiController]
[Route("api/orders")]
[Authorize]
public sealed class OrdersController(OrderService orders) : ControllerBase
{
    [HttpGet]
    public async Task<Results<Ok<PageDto<OrderListItemDto>>, ValidationProblem>> List(
        int page = 1,
        int pageSize = OrderListQuery.DefaultPageSize,
        string? sort = OrderListQuery.DefaultSort,
        CancellationToken cancellationToken = default) =>
        OrderResults.ToHttp(await orders.ListOwnAsync(User.GetUserId(), page, pageSize, sort, cancellationToken), OrderListItemDto.From);

    [HttpGet("{id:guid}")]
    public async Task<Results<Ok<OrderDto>, NotFound>> Get(Guid id, CancellationToken cancellationToken) =>
        await orders.FindAsync(User.GetUserId(), id, cancellationToken) is { } order
            ? TypedResults.Ok(OrderDto.From(order))
            : TypedResults.NotFound();

    [HttpPost]
    [EnableRateLimiting(WriteRateLimiting.Policy)]
    [RequestBodyLimit(RequestBodyLimitAttribute.SmallBodyBytes)]
    public async Task<Results<Created<OrderDto>, ValidationProblem>> Place(PlaceOrderRequest request, CancellationToken cancellationToken)
    {
        // MVC validates the list, not its elements: a JSON null among the lines arrives as null, and the rules answer it.
        var items = request.Items?.Select(i => i is null ? null : new OrderItemRequest(i.ProductId, i.Quantity)).ToList();
        return OrderResults.ToHttp(await orders.PlaceAsync(User.GetUserId(), items, cancellationToken));
    }

    [HttpPost("{id:guid}/cancel")]
    [ProducesProblem(StatusCodes.Status409Conflict)]
    [EnableRateLimiting(WriteRateLimiting.Policy)]
    public async Task<Results<Ok<OrderDto>, NotFound, ProblemHttpResult>> Cancel(Guid id, CancellationToken cancellationToken) =>
        OrderResults.ToHttp(await orders.CancelAsync(User.GetUserId(), id, cancellationToken));
}

/// <summary>One mapping from each order outcome to its HTTP answer.</summary>
internal static class OrderResults
{
    public static Results<Ok<PageDto<T>>, ValidationProblem> ToHttp<T>(ListOrdersResult result, Func<OrderSummary, T> map) => result switch
    {
        ListOrdersResult.Listed listed => TypedResults.Ok(PageDto<T>.From(listed.Page, map)),
        ListOrdersResult.ValidationFailed failed => ProblemResults.ValidationProblem(failed.Errors),
        _ => throw new InvalidOperationException($"Unexpected result {result}."),
    };

    public static Results<Created<OrderDto>, ValidationProblem> ToHttp(PlaceOrderResult result) => result switch
    {
        PlaceOrderResult.Placed placed => TypedResults.Created($"/api/orders/{placed.Order.Id}", OrderDto.From(placed.Order)),
        PlaceOrderResult.ValidationFailed failed => ProblemResults.ValidationProblem(failed.Errors),
        _ => throw new InvalidOperationException($"Unexpected result {result}."),
    };

    public static Results<Ok<OrderDto>, NotFound, ProblemHttpResult> ToHttp(CancelOrderResult result) => result switch
    {
        CancelOrderResult.Cancelled cancelled => TypedResults.Ok(OrderDto.From(cancelled.Order)),
        CancelOrderResult.NotFound => TypedResults.NotFound(),
        CancelOrderResult.NotPending notPending => TypedResults.Problem(
            statusCode: StatusCodes.Status409Conflict,
            title: "The order is not pending",
            detail: $"The order is {notPending.Status}; only a pending order can be cancelled."),
        _ => throw new InvalidOperationException($"Unexpected result {result}."),
    };
}
