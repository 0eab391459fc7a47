using JwtMvc.Core.Validation;

namespace JwtMvc.Core.Orders;

/// <summary>One line of an order request, as the customer sent it.</summary>
public sealed record OrderItemRequest(Guid ProductId, int Quantity);

/// <summary>What came of placing an order.</summary>
public abstract record PlaceOrderResult
{
    private PlaceOrderResult()
    {
    }

    public sealed record Placed(Order Order) : PlaceOrderResult;

    /// <summary>The request broke rules; every broken rule is listed, keyed by its field.</summary>
    public sealed record ValidationFailed(IReadOnlyList<ValidationError> Errors) : PlaceOrderResult;
}

/// <summary>What came of cancelling an order.</summary>
public abstract record CancelOrderResult
{
    private CancelOrderResult()
    {
    }

    public sealed record Cancelled(Order Order) : CancelOrderResult;

    /// <summary>No such order, or it is another user's: the two look the same to the caller.</summary>
    public sealed record NotFound : CancelOrderResult;

    /// <summary>The order exists but is no longer pending (shipped, delivered or already cancelled).</summary>
    public sealed record NotPending(OrderStatus Status) : CancelOrderResult;
}

/// <summary>What came of asking for a page of orders.</summary>
public abstract record ListOrdersResult
{
    private ListOrdersResult()
    {
    }

    public sealed record Listed(PagedList<OrderSummary> Page) : ListOrdersResult;

    public sealed record ValidationFailed(IReadOnlyList<ValidationError> Errors) : ListOrdersResult;
}
