namespace JwtMvc.Core.Accounts;

/// <summary>
/// The app's public address (<c>App:PublicBaseUrl</c>), which links in mails start with; never a request's
/// Host header. Implemented in JwtMvc.Web.
/// </summary>
public interface IPublicBaseUrl
{
    /// <summary>Absolute, without a trailing slash.</summary>
    string Value { get; }
}

/// <summary>The links account mails carry.</summary>
public sealed class AccountLinks(IPublicBaseUrl baseUrl)
{
    public string ConfirmEmail(string userId, string code) =>
        Build("/account/confirm-email", ("userId", userId), ("code", code));

    public string ResetPassword(string userId, string code) =>
        Build("/account/reset-password", ("userId", userId), ("code", code));

    public string ConfirmEmailChange(string userId, string email, string code) =>
        Build("/account/confirm-email-change", ("userId", userId), ("email", email), ("code", code));

    public string ForgotPassword() => baseUrl.Value + "/account/forgot-password";

    private string Build(string path, params (string Name, string Value)[] query) =>
        baseUrl.Value + path + "?" + string.Join("&", query.Select(q => q.Name + "=" + Uri.EscapeDataString(q.Value)));
}
