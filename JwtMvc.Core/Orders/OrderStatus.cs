namespace JwtMvc.Core.Orders;

/// <summary>Where an order is in its life. Only a <see cref="Pending"/> order can be cancelled.</summary>
public enum OrderStatus
{
    /// <summary>Placed, not yet shipped; the customer may still cancel it.</summary>
    Pending,

    /// <summary>On its way; too late to cancel.</summary>
    Shipped,

    /// <summary>Handed over to the customer.</summary>
    Delivered,

    /// <summary>Cancelled by the customer while it was pending.</summary>
    Cancelled,
}
