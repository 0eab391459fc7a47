namespace JwtMvc.Core.Orders;

/// <summary>
/// An amount in one currency (an ISO 4217 code such as <c>EUR</c>). Arithmetic refuses to mix currencies:
/// there is no exchange rate in JwtMvc, so adding euros to dollars is a bug, never a conversion.
/// </summary>
public readonly record struct Money
{
    /// <summary>Amounts carry at most this many decimal places; the database stores them exactly at this scale.</summary>
    public const int MaxDecimalPlaces = 4;

    public Money(decimal amount, string currency)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(currency);
        if (decimal.Round(amount, MaxDecimalPlaces) != amount)
        {
            throw new ArgumentOutOfRangeException(nameof(amount), amount, $"An amount has at most {MaxDecimalPlaces} decimal places.");
        }

        Amount = amount;
        Currency = currency;
    }

    public decimal Amount { get; }

    public string Currency { get; }

    public static Money Zero(string currency) => new(0m, currency);

    /// <summary>Adds an amount in the same currency.</summary>
    /// <exception cref="CurrencyMismatchException">The currencies differ.</exception>
    public Money Add(Money other)
    {
        if (!string.Equals(Currency, other.Currency, StringComparison.Ordinal))
        {
            throw new CurrencyMismatchException(Currency, other.Currency);
        }

        return new Money(Amount + other.Amount, Currency);
    }

    public Money Times(int quantity) => new(Amount * quantity, Currency);

    public override string ToString() => $"{Amount:0.00##} {Currency}";
}

/// <summary>Two amounts in different currencies met in one sum.</summary>
public sealed class CurrencyMismatchException(string expected, string actual)
    : InvalidOperationException($"Cannot combine {actual} with {expected}: one sum has one currency.")
{
    public string Expected { get; } = expected;

    public string Actual { get; } = actual;
}
