using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using JwtMvc.Core.Auth;
using JwtMvc.Core.Auth.Passkeys;
using JwtMvc.Core.Auth.TwoFactor;
using JwtMvc.Core.Security;
using JwtMvc.Tests.Support;
using Moq;

namespace JwtMvc.Tests.Unit.Auth.Passkeys;

public sealed class PasskeyServiceTests
{
    private const string State = "{\"ceremony\":\"state\"}";
    private static readonly ClientInfo Client = new("203.0.113.7", "test");
    private static readonly AuthUser Alice = TokenServiceBuilder.Alice;

    private TokenServiceBuilder tokens = null!;
    private Mock<IPasskeyStore> passkeys = null!;
    private Mock<ITwoFactorStore> accounts = null!;
    private InMemoryAuthChallengeStore challenges = null!;
    private Session? startedSession;
    private PasskeyService service = null!;
    private int nextChallenge;

    [SetUp]
    public void CreateService()
    {
        tokens = new TokenServiceBuilder();
        passkeys = new Mock<IPasskeyStore>(MockBehavior.Strict);
        accounts = new Mock<ITwoFactorStore>(MockBehavior.Strict);
        challenges = new InMemoryAuthChallengeStore();
        startedSession = null;
        tokens.Users.Setup(u => u.FindByIdAsync(Alice.Id, It.IsAny<CancellationToken>())).ReturnsAsync(Alice);
        tokens.Users.Setup(u => u.FindCachedAsync(Alice.Id, It.IsAny<CancellationToken>())).ReturnsAsync(Alice);
        tokens.Store.Setup(s => s.CreateAsync(It.IsAny<Session>(), It.IsAny<RefreshToken>(), It.IsAny<CancellationToken>()))
            .Callback<Session, RefreshToken, CancellationToken>((session, _, _) => startedSession = session)
            .ReturnsAsync(true);
        accounts.Setup(a => a.IsLockedOutAsync(Alice.Id, It.IsAny<CancellationToken>())).ReturnsAsync(false);
        accounts.Setup(a => a.NeedsEmailConfirmationAsync(Alice.Id, It.IsAny<CancellationToken>())).ReturnsAsync(false);
        passkeys.Setup(p => p.BeginSignInAsync(It.IsAny<CancellationToken>())).ReturnsAsync(() => Start());
        passkeys.Setup(p => p.BeginRegistrationAsync(Alice.Id, It.IsAny<CancellationToken>())).ReturnsAsync(() => Start());
        HasPasskeys(0);
        service = new PasskeyService(passkeys.Object, challenges, tokens.Users.Object, accounts.Object, tokens.Build(), tokens.Metrics, tokens.Events.Object, tokens.Clock);
    }

    [Test]
    public async Task A_sign_in_ceremony_is_stored_by_its_challenge_hash_with_its_state_for_five_minutes()
    {
        var options = await service.BeginSignInAsync(CancellationToken.None);

        var stored = challenges.All.Single();
        Assert.That(stored.HandleHash, Is.EqualTo(TokenService.Hash(ChallengeOf(options))));
        Assert.That(stored.Kind, Is.EqualTo(AuthChallengeKinds.PasskeyRequest));
        Assert.That(stored.State, Is.EqualTo(State));
        Assert.That(stored.UserId, Is.Null, "a sign-in names no user");
        Assert.That(stored.ExpiresAt, Is.EqualTo(tokens.Clock.GetUtcNow() + TimeSpan.FromMinutes(5)));
    }

    [TestCase(true, new[] { "hwk", "mfa" })]
    [TestCase(false, new[] { "hwk" })]
    public async Task A_verified_passkey_starts_a_session_whose_amr_says_hwk_and_mfa_when_the_user_was_verified(bool userVerified, string[] amr)
    {
        var credential = Credential(ChallengeOf(await service.BeginSignInAsync(CancellationToken.None)));
        VerifiesAs(credential, new PasskeyVerification.Verified(Alice.Id, Passkey(), userVerified, TokenServiceBuilder.StampHash));

        var outcome = await service.SignInAsync(credential, Client, CancellationToken.None);

        Assert.That(outcome, Is.InstanceOf<SignInOutcome.SignedIn>());
        Assert.That(startedSession!.AuthenticationMethods, Is.EqualTo(string.Join(' ', amr)));
        tokens.Events.Verify(e => e.RecordAsync(SecurityEventTypes.Passkey, Alice.Id, Alice.UserName, Client.IpAddress, "signed in with passkey 'Laptop'", It.IsAny<CancellationToken>()));
    }

    [Test]
    public async Task The_ceremony_is_used_up_by_the_first_answer_even_a_refused_one()
    {
        var credential = Credential(ChallengeOf(await service.BeginSignInAsync(CancellationToken.None)));
        VerifiesAs(credential, new PasskeyVerification.Refused("bad signature"));

        var first = await service.SignInAsync(credential, Client, CancellationToken.None);
        var second = await service.SignInAsync(credential, Client, CancellationToken.None);

        Assert.That(first, Is.EqualTo(SignInOutcome.InvalidCredentials));
        Assert.That(second, Is.EqualTo(SignInOutcome.InvalidCredentials));
        passkeys.Verify(p => p.VerifySignInAsync(credential, State, It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()), Times.Once, "the second answer finds no ceremony");
        tokens.Events.Verify(e => e.RecordAsync(SecurityEventTypes.SignInFailed, null, null, Client.IpAddress, "passkey: bad signature", It.IsAny<CancellationToken>()));
        Assert.That(startedSession, Is.Null);
    }

    [Test]
    public async Task An_answer_after_five_minutes_is_refused_without_being_verified()
    {
        var credential = Credential(ChallengeOf(await service.BeginSignInAsync(CancellationToken.None)));

        tokens.Clock.Advance(TimeSpan.FromMinutes(5));
        var outcome = await service.SignInAsync(credential, Client, CancellationToken.None);

        Assert.That(outcome, Is.EqualTo(SignInOutcome.InvalidCredentials));
        passkeys.Verify(p => p.VerifySignInAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("{")]
    [TestCase("[]")]
    [TestCase("{\"response\":{}}")]
    [TestCase("{\"response\":{\"clientDataJSON\":\"not base64url!\"}}")]
    [TestCase("{\"response\":{\"clientDataJSON\":\"e30\"}}")] // {} : no challenge
    public async Task A_malformed_credential_is_refused_without_reaching_the_store(string? credential)
    {
        await service.BeginSignInAsync(CancellationToken.None);

        var outcome = await service.SignInAsync(credential, Client, CancellationToken.None);

        Assert.That(outcome, Is.EqualTo(SignInOutcome.InvalidCredentials));
        passkeys.Verify(p => p.VerifySignInAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Test]
    public async Task A_registration_challenge_does_not_sign_anyone_in()
    {
        var credential = Credential(ChallengeOf(await RegistrationOptionsAsync()));

        var outcome = await service.SignInAsync(credential, Client, CancellationToken.None);

        Assert.That(outcome, Is.EqualTo(SignInOutcome.InvalidCredentials));
        Assert.That(challenges.All.Single().UsedAt, Is.Null, "the registration is not spent by a sign-in attempt");
    }

    [Test]
    public async Task A_locked_out_user_is_not_signed_in_by_a_passkey()
    {
        var credential = Credential(ChallengeOf(await service.BeginSignInAsync(CancellationToken.None)));
        VerifiesAs(credential, new PasskeyVerification.Verified(Alice.Id, Passkey(), true, TokenServiceBuilder.StampHash));
        accounts.Setup(a => a.IsLockedOutAsync(Alice.Id, It.IsAny<CancellationToken>())).ReturnsAsync(true);

        var outcome = await service.SignInAsync(credential, Client, CancellationToken.None);

        Assert.That(outcome, Is.InstanceOf<SignInOutcome.LockedOut>());
        Assert.That(startedSession, Is.Null);
    }

    [Test]
    public async Task A_user_who_changes_after_the_passkey_is_verified_keeps_no_session()
    {
        // Arrange: verified on a record with stamp STAMP, which the account checks read too; then an admin's lock
        // renews the stamp before the session is stored.
        var credential = Credential(ChallengeOf(await service.BeginSignInAsync(CancellationToken.None)));
        VerifiesAs(credential, new PasskeyVerification.Verified(Alice.Id, Passkey(), true, TokenServiceBuilder.StampHash));
        tokens.Users.Setup(u => u.FindStampHashAsync(Alice.Id, It.IsAny<CancellationToken>())).ReturnsAsync("RENEWED");
        tokens.Store.Setup(s => s.RevokeSessionAsync(It.IsAny<Guid>(), It.IsAny<DateTimeOffset>(), SessionRevocationReasons.UserChanged, It.IsAny<CancellationToken>()))
            .ReturnsAsync(true);

        // Act
        var outcome = await service.SignInAsync(credential, Client, CancellationToken.None);

        // Assert
        Assert.That(outcome, Is.EqualTo(SignInOutcome.InvalidCredentials));
        tokens.Store.Verify(s => s.RevokeSessionAsync(startedSession!.Id, It.IsAny<DateTimeOffset>(), SessionRevocationReasons.UserChanged, It.IsAny<CancellationToken>()), Times.Once);
        tokens.Events.Verify(e => e.RecordAsync(SecurityEventTypes.SignInFailed, Alice.Id, null, Client.IpAddress, "passkey: " + SignInFailures.UserChanged, It.IsAny<CancellationToken>()));
    }

    [Test]
    public async Task A_user_whose_email_must_be_confirmed_first_is_not_signed_in_by_a_passkey()
    {
        var credential = Credential(ChallengeOf(await service.BeginSignInAsync(CancellationToken.None)));
        VerifiesAs(credential, new PasskeyVerification.Verified(Alice.Id, Passkey(), true, TokenServiceBuilder.StampHash));
        accounts.Setup(a => a.NeedsEmailConfirmationAsync(Alice.Id, It.IsAny<CancellationToken>())).ReturnsAsync(true);

        var outcome = await service.SignInAsync(credential, Client, CancellationToken.None);

        Assert.That(outcome, Is.InstanceOf<SignInOutcome.EmailNotConfirmed>());
        Assert.That(startedSession, Is.Null);
        tokens.Events.Verify(e => e.RecordAsync(SecurityEventTypes.SignInFailed, Alice.Id, null, Client.IpAddress, "passkey: email not confirmed", It.IsAny<CancellationToken>()));
    }

    [Test]
    public async Task Another_users_registration_ceremony_is_refused_and_left_for_its_owner()
    {
        var credential = Credential(ChallengeOf(await RegistrationOptionsAsync()));

        var outcome = await service.RegisterAsync("mallory-id", credential, "Mine", Client, CancellationToken.None);

        Assert.That(outcome, Is.EqualTo(PasskeyChange.CredentialRefused));
        Assert.That(challenges.All.Single().UsedAt, Is.Null);
        passkeys.Verify(p => p.RegisterAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<string>(), It.IsAny<string>(), It.IsAny<int>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Test]
    public async Task A_registration_stores_the_trimmed_name_at_the_clocks_time_and_records_an_event()
    {
        var credential = Credential(ChallengeOf(await RegistrationOptionsAsync()));
        var now = tokens.Clock.GetUtcNow();
        passkeys.Setup(p => p.RegisterAsync(Alice.Id, credential, State, "Laptop", PasskeyService.MaxPasskeysPerUser, now, It.IsAny<CancellationToken>()))
            .ReturnsAsync(new PasskeyRegistration.Registered(Passkey()));

        var outcome = await service.RegisterAsync(Alice.Id, credential, "  Laptop  ", Client, CancellationToken.None);

        Assert.That(outcome, Is.InstanceOf<PasskeyChange.Done>());
        tokens.Events.Verify(e => e.RecordAsync(SecurityEventTypes.Passkey, Alice.Id, Alice.UserName, Client.IpAddress, "registered passkey 'Laptop'", It.IsAny<CancellationToken>()));
    }

    [Test]
    public async Task A_registration_past_the_per_user_limit_is_refused_with_its_own_message_and_records_nothing()
    {
        var credential = Credential(ChallengeOf(await RegistrationOptionsAsync()));
        passkeys.Setup(p => p.RegisterAsync(Alice.Id, credential, State, "Laptop", 100, It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new PasskeyRegistration.LimitReached());

        var outcome = await service.RegisterAsync(Alice.Id, credential, "Laptop", Client, CancellationToken.None);

        Assert.That(outcome, Is.EqualTo(PasskeyChange.LimitReached));
        Assert.That(((PasskeyChange.Invalid)outcome).Error.Message, Does.Contain("at most 100 passkeys"));
        tokens.Events.Verify(e => e.RecordAsync(SecurityEventTypes.Passkey, It.IsAny<string?>(), It.IsAny<string?>(), It.IsAny<string?>(), It.IsAny<string?>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Test]
    public async Task Registration_options_are_refused_to_an_account_at_the_limit_and_no_ceremony_is_started()
    {
        HasPasskeys(PasskeyService.MaxPasskeysPerUser);

        var options = await service.BeginRegistrationAsync(Alice.Id, CancellationToken.None);

        Assert.That(options, Is.EqualTo(PasskeyCreationOptions.LimitReached));
        Assert.That(((PasskeyCreationOptions.Invalid)options).Error, Is.EqualTo(((PasskeyChange.Invalid)PasskeyChange.LimitReached).Error));
        Assert.That(challenges.All, Is.Empty);
        passkeys.Verify(p => p.BeginRegistrationAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Test]
    public async Task Registration_options_are_given_to_an_account_one_below_the_limit()
    {
        HasPasskeys(PasskeyService.MaxPasskeysPerUser - 1);

        var options = await service.BeginRegistrationAsync(Alice.Id, CancellationToken.None);

        Assert.That(options, Is.InstanceOf<PasskeyCreationOptions.Ready>());
        Assert.That(challenges.All.Single().Kind, Is.EqualTo(AuthChallengeKinds.PasskeyCreation));
    }

    [TestCase(null, "NameRequired")]
    [TestCase("   ", "NameRequired")]
    [TestCase("tab\there", "NameInvalid")]
    public void Names_must_be_given_short_and_printable(string? name, string code)
    {
        Assert.That(PasskeyService.NameError(name)?.Code, Is.EqualTo(code));
    }

    [Test]
    public void Names_up_to_64_characters_are_accepted_and_longer_ones_refused()
    {
        Assert.That(PasskeyService.NameError("Laptop"), Is.Null);
        Assert.That(PasskeyService.NameError(new string('x', 64)), Is.Null);
        Assert.That(PasskeyService.NameError(new string('x', 65))?.Code, Is.EqualTo("NameInvalid"));
    }

    [Test]
    public async Task Renaming_or_removing_a_passkey_the_user_does_not_have_is_not_found()
    {
        passkeys.Setup(p => p.RenameAsync(Alice.Id, "other", "New", It.IsAny<CancellationToken>())).ReturnsAsync((PasskeyInfo?)null);
        passkeys.Setup(p => p.RemoveAsync(Alice.Id, "other", It.IsAny<CancellationToken>())).ReturnsAsync((PasskeyInfo?)null);

        Assert.That(await service.RenameAsync(Alice.Id, "other", "New", Client, CancellationToken.None), Is.EqualTo(PasskeyChange.NotFound));
        Assert.That(await service.RemoveAsync(Alice.Id, "other", Client, CancellationToken.None), Is.EqualTo(PasskeyChange.NotFound));
        tokens.Events.Verify(e => e.RecordAsync(It.IsAny<string>(), It.IsAny<string?>(), It.IsAny<string?>(), It.IsAny<string?>(), It.IsAny<string?>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    private PasskeyCeremonyStart Start()
    {
        var challenge = Base64Url.EncodeToString(BitConverter.GetBytes(Interlocked.Increment(ref nextChallenge)).Concat(new byte[28]).ToArray());
        return new PasskeyCeremonyStart($$"""{"challenge":"{{challenge}}"}""", challenge, State);
    }

    private void VerifiesAs(string credential, PasskeyVerification verification) =>
        passkeys.Setup(p => p.VerifySignInAsync(credential, State, It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>())).ReturnsAsync(verification);

    private PasskeyInfo Passkey() => new("cred-id", "Laptop", tokens.Clock.GetUtcNow(), null);

    private async Task<string> RegistrationOptionsAsync() =>
        ((PasskeyCreationOptions.Ready)await service.BeginRegistrationAsync(Alice.Id, CancellationToken.None)).OptionsJson;

    private void HasPasskeys(int count) =>
        passkeys.Setup(p => p.ListAsync(Alice.Id, It.IsAny<CancellationToken>()))
            .ReturnsAsync([.. Enumerable.Range(0, count).Select(i => new PasskeyInfo($"cred-{i}", $"Key {i}", DateTimeOffset.UnixEpoch, null))]);

    private static string ChallengeOf(string optionsJson) => JsonDocument.Parse(optionsJson).RootElement.GetProperty("challenge").GetString()!;

    private static string Credential(string challenge)
    {
        var clientData = Base64Url.EncodeToString(Encoding.UTF8.GetBytes($$"""{"type":"webauthn.get","challenge":"{{challenge}}"}"""));
        return $$$"""{"id":"cred-id","type":"public-key","response":{"clientDataJSON":"{{{clientData}}}"}}""";
    }
}
