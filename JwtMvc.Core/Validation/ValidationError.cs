namespace JwtMvc.Core.Validation;

/// <summary>
/// One broken rule of the input: the request field it concerns, camelCase as the client sent it (<c>email</c>,
/// <c>items[0].quantity</c>; empty when it concerns the request as a whole), a stable code (Identity's own codes
/// such as <c>PasswordTooShort</c>, or the service's), and a message that says what to do.
/// </summary>
public sealed record ValidationError(string Field, string Code, string Message);

/// <summary>The outcome of an operation that may refuse its input: succeeded, or the rules it broke.</summary>
public record ValidationOutcome(IReadOnlyList<ValidationError> Errors)
{
    public static readonly ValidationOutcome Ok = new([]);

    public bool Succeeded => Errors.Count == 0;

    public static ValidationOutcome Failed(params ValidationError[] errors) => new(errors);
}

/// <summary>A <see cref="ValidationOutcome"/> that carries a value when it succeeded.</summary>
public sealed record ValidationOutcome<T>(T? Value, IReadOnlyList<ValidationError> Errors) : ValidationOutcome(Errors)
{
    public static ValidationOutcome<T> Success(T value) => new(value, []);

    public static new ValidationOutcome<T> Failed(params ValidationError[] errors) => new(default, errors);
}
