using JwtMvc.Core.Validation;

namespace JwtMvc.Core.Admin;

/// <summary>What an admin action did.</summary>
public abstract record AdminOutcome
{
    public static readonly AdminOutcome NotFound = new UserNotFound();

    private AdminOutcome()
    {
    }

    /// <summary>Done; <paramref name="User"/> is the user afterwards (null once deleted).</summary>
    public sealed record Done(ManagedUser? User) : AdminOutcome;

    public sealed record UserNotFound : AdminOutcome;

    /// <summary>A rule forbids the action in the current state (self-protection, last admin).</summary>
    public sealed record Refused(string Title, string Detail) : AdminOutcome;

    /// <summary>The input breaks rules, each keyed by the field it concerns.</summary>
    public sealed record Invalid(IReadOnlyList<ValidationError> Errors) : AdminOutcome
    {
        public static Invalid Of(string field, string code, string message) => new([new ValidationError(field, code, message)]);
    }
}
