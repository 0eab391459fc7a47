namespace JwtMvc.Data;

/// <summary>
/// The one place where "user X changed" is said. <see cref="AppUserManager"/> says it after every change it makes to a
/// user (profile, e-mail, password, roles, lockout, deletion). The default registration is this instance's cache of
/// user records, which evicts the user. To tell other instances as well (pub/sub), register an implementation that
/// publishes and evicts locally, and evict locally when another instance's message arrives.
/// </summary>
public interface IUserChangeNotifier
{
    ValueTask UserChangedAsync(string userId, CancellationToken cancellationToken);
}
