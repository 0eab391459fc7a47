using JwtMvc.Core.Uploads;

namespace JwtMvc.Tests.Unit.Uploads;

/// <summary>Sanitising the names clients send.</summary>
public sealed class FileNamesTests
{
    private static IEnumerable<TestCaseData> Cases() =>
    [
        new TestCaseData("photo.png", "photo.png").SetArgDisplayNames("an ordinary name is kept"),
        new TestCaseData("../../etc/passwd", "passwd").SetArgDisplayNames("unix traversal keeps the last segment"),
        new TestCaseData("..\\x.txt", "x.txt").SetArgDisplayNames("windows traversal keeps the last segment"),
        new TestCaseData("C:\\Users\\me\\cv.pdf", "cv.pdf").SetArgDisplayNames("a full windows path keeps the file name"),
        new TestCaseData("a<script>.png", "a_script_.png").SetArgDisplayNames("markup characters are replaced"),
        new TestCaseData("what?|*\":.png", "what_____.png").SetArgDisplayNames("characters windows forbids are replaced"),
        new TestCaseData("tab\there\r\n.png", "tabhere.png").SetArgDisplayNames("control characters are removed"),
        new TestCaseData("nul\u0000byte.png", "nulbyte.png").SetArgDisplayNames("NUL is removed"),
        new TestCaseData("\u202Egnp.exe", "gnp.exe").SetArgDisplayNames("right-to-left override is removed"),
        new TestCaseData("no\u00A0break space.png", "no break space.png").SetArgDisplayNames("unusual spaces become plain spaces"),
        new TestCaseData(".hidden.png", "hidden.png").SetArgDisplayNames("leading dots are removed"),
        new TestCaseData("trailing. . .", "trailing").SetArgDisplayNames("trailing dots and spaces are removed"),
        new TestCaseData("..", "file").SetArgDisplayNames("dot-dot alone becomes the fallback"),
        new TestCaseData("/", "file").SetArgDisplayNames("a bare separator becomes the fallback"),
        new TestCaseData("", "file").SetArgDisplayNames("empty becomes the fallback"),
        new TestCaseData(null, "file").SetArgDisplayNames("missing becomes the fallback"),
        new TestCaseData("CON", "_CON").SetArgDisplayNames("a windows device name is prefixed"),
        new TestCaseData("lpt1.txt", "_lpt1.txt").SetArgDisplayNames("a device name with an extension is prefixed"),
        new TestCaseData("Re\u0301sume\u0301.pdf", "Résumé.pdf").SetArgDisplayNames("names are normalised to NFC"),
        new TestCaseData("日本語.pdf", "日本語.pdf").SetArgDisplayNames("non-latin letters are kept"),
    ];

    [TestCaseSource(nameof(Cases))]
    public void Sanitize_makes_client_names_safe(string? sent, string expected)
    {
        Assert.That(FileNames.Sanitize(sent), Is.EqualTo(expected));
    }

    [Test]
    public void A_300_character_name_is_cut_to_the_maximum_keeping_its_extension()
    {
        var sanitized = FileNames.Sanitize(new string('a', 296) + ".png");

        Assert.That(sanitized, Has.Length.EqualTo(FileNames.MaxLength), "names are bounded");
        Assert.That(sanitized, Does.EndWith("aaa.png"), "the extension survives the cut");
    }

    [Test]
    public void Cutting_a_long_name_never_splits_a_surrogate_pair()
    {
        var sanitized = FileNames.Sanitize(new string('a', FileNames.MaxLength - 5) + string.Concat(Enumerable.Repeat("😀", 20)) + ".png");

        Assert.That(sanitized, Has.Length.LessThanOrEqualTo(FileNames.MaxLength));
        Assert.That(sanitized.EnumerateRunes().Any(r => r == System.Text.Rune.ReplacementChar), Is.False, "no half emoji");
        Assert.That(() => System.Text.Encoding.UTF8.GetBytes(sanitized.ToCharArray()), Throws.Nothing);
        Assert.That(char.IsHighSurrogate(sanitized[^5]), Is.False, "the character before the extension is whole");
    }

    [Test]
    public void Sanitising_twice_changes_nothing()
    {
        var once = FileNames.Sanitize("../a<b>/..\\c\u0001.d. ");

        Assert.That(FileNames.Sanitize(once), Is.EqualTo(once), "a sanitised name is a fixed point");
    }

    [TestCase("x.txt", ".png", "x.txt.png")]
    [TestCase("passwd", ".png", "passwd.png")]
    public void WithExtension_appends_the_extension(string name, string extension, string expected)
    {
        Assert.That(FileNames.WithExtension(name, extension), Is.EqualTo(expected));
    }

    [Test]
    public void WithExtension_keeps_the_name_within_the_maximum()
    {
        var result = FileNames.WithExtension(new string('b', FileNames.MaxLength), ".jpeg");

        Assert.That(result, Has.Length.EqualTo(FileNames.MaxLength).And.EndWith("b.jpeg"));
    }

    [TestCase("photo.PNG", ".png")]
    [TestCase("archive.tar.gz", ".gz")]
    [TestCase("README", "")]
    public void ExtensionOf_is_the_lower_case_last_extension(string name, string expected)
    {
        Assert.That(FileNames.ExtensionOf(name), Is.EqualTo(expected));
    }
}
