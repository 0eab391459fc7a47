namespace JwtMvc.Core.Admin;

/// <summary>
/// Thrown by <see cref="IUserAdministration"/> when, inside its database transaction, a change would leave no
/// admin who can sign in. <see cref="UserAdminService"/> checks that first; this is the rare race it cannot see:
/// another instance on the same database removed the other admin between that check and this change.
/// </summary>
public sealed class LastAdminException : InvalidOperationException
{
    public LastAdminException()
        : base("The change would leave no admin who can sign in.")
    {
    }

    public LastAdminException(string message)
        : base(message)
    {
    }

    public LastAdminException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
