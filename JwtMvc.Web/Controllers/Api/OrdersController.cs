using JwtMvc.Core.Orders;
using JwtMvc.Web.Auth;
using JwtMvc.Web.Errors;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace JwtMvc.Web.Controllers.Api;

/// <summary>The caller's own orders. Another user's order is 404 here, exactly like one that does not exist.</summary>
[ApiController]
[Route("api/orders")]
[Authorize]
public sealed class OrdersController(OrderService orders) : ControllerBase
{
    [HttpGet]
    public async Task<IActionResult> List(
        int page = 1,
        int pageSize = OrderListQuery.DefaultPageSize,
        string? sort = OrderListQuery.DefaultSort,
        CancellationToken cancellationToken = default)
    {
        var result = await orders.ListOwnAsync(User.GetUserId(), page, pageSize, sort, cancellationToken);
        return result switch
        {
            ListOrdersResult.Listed listed => Ok(PageDto<OrderListItemDto>.From(listed.Page, OrderListItemDto.From)),
            ListOrdersResult.ValidationFailed failed => this.ValidationProblem(failed.Errors),
            _ => throw new InvalidOperationException($"Unexpected result {result}."),
        };
    }

    [HttpGet("{id:guid}")]
    public async Task<ActionResult<OrderDto>> Get(Guid id, CancellationToken cancellationToken)
    {
        var order = await orders.FindAsync(User.GetUserId(), id, cancellationToken);
        return order is null ? NotFound() : OrderDto.From(order);
    }

    [HttpPost]
    public async Task<IActionResult> Place(PlaceOrderRequest request, CancellationToken cancellationToken)
    {
        var items = request.Items?.Select(i => new OrderItemRequest(i.ProductId, i.Quantity)).ToList();
        var result = await orders.PlaceAsync(User.GetUserId(), items, cancellationToken);
        return result switch
        {
            PlaceOrderResult.Placed placed => CreatedAtAction(nameof(Get), new { id = placed.Order.Id }, OrderDto.From(placed.Order)),
            PlaceOrderResult.ValidationFailed failed => this.ValidationProblem(failed.Errors),
            _ => throw new InvalidOperationException($"Unexpected result {result}."),
        };
    }

    [HttpPost("{id:guid}/cancel")]
    public async Task<IActionResult> Cancel(Guid id, CancellationToken cancellationToken)
    {
        var result = await orders.CancelAsync(User.GetUserId(), id, cancellationToken);
        return result switch
        {
            CancelOrderResult.Cancelled cancelled => Ok(OrderDto.From(cancelled.Order)),
            CancelOrderResult.NotFound => NotFound(),
            CancelOrderResult.NotPending notPending => Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "The order is not pending",
                detail: $"The order is {notPending.Status}; only a pending order can be cancelled."),
            _ => throw new InvalidOperationException($"Unexpected result {result}."),
        };
    }
}
