using JwtMvc.Core.Auth;
using JwtMvc.Core.Orders;
using JwtMvc.Web.Errors;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace JwtMvc.Web.Controllers.Api;

/// <summary>Every user's orders, for administrators; paged and sorted as /api/orders.</summary>
[ApiController]
[Route("api/admin/orders")]
[Authorize(Policy = AppPolicies.Admin)]
public sealed class AdminOrdersController(OrderService orders) : ControllerBase
{
    [HttpGet]
    public async Task<IActionResult> List(
        int page = 1,
        int pageSize = OrderListQuery.DefaultPageSize,
        string? sort = OrderListQuery.DefaultSort,
        CancellationToken cancellationToken = default)
    {
        var result = await orders.ListAllAsync(page, pageSize, sort, cancellationToken);
        return result switch
        {
            ListOrdersResult.Listed listed => Ok(PageDto<AdminOrderListItemDto>.From(listed.Page, AdminOrderListItemDto.From)),
            ListOrdersResult.ValidationFailed failed => this.ValidationProblem(failed.Errors),
            _ => throw new InvalidOperationException($"Unexpected result {result}."),
        };
    }
}
