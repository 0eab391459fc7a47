using JwtMvc.Core.Uploads;
using JwtMvc.Tests.Support;

namespace JwtMvc.Tests.Unit.Uploads;

/// <summary>Recognising files by their leading bytes.</summary>
public sealed class FileSignaturesTests
{
    private static IEnumerable<TestCaseData> KnownFiles() =>
    [
        new TestCaseData(TestFiles.Png(), "PNG", "image/png").SetArgDisplayNames("png"),
        new TestCaseData(TestFiles.Jpeg(), "JPEG", "image/jpeg").SetArgDisplayNames("jpeg"),
        new TestCaseData(TestFiles.Gif(), "GIF", "image/gif").SetArgDisplayNames("gif89a"),
        new TestCaseData("GIF87a...."u8.ToArray(), "GIF", "image/gif").SetArgDisplayNames("gif87a"),
        new TestCaseData(TestFiles.Pdf(), "PDF", "application/pdf").SetArgDisplayNames("pdf"),
    ];

    [TestCaseSource(nameof(KnownFiles))]
    public void Each_known_type_is_recognised_by_its_magic_bytes(byte[] content, string name, string contentType)
    {
        var type = FileSignatures.Detect(content.AsSpan(0, Math.Min(content.Length, FileSignatures.HeaderLength)));

        Assert.That(type?.Name, Is.EqualTo(name), "the leading bytes decide the type");
        Assert.That(type?.ContentType, Is.EqualTo(contentType));
    }

    [TestCase(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A }, TestName = "A PNG signature one byte short is not a PNG")]
    [TestCase(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0B }, TestName = "A PNG signature with a wrong last byte is not a PNG")]
    [TestCase(new byte[] { 0x3C, 0x73, 0x76, 0x67, 0x3E }, TestName = "SVG markup is not a known type")]
    [TestCase(new byte[] { 0x4D, 0x5A, 0x90, 0x00 }, TestName = "A Windows executable is not a known type")]
    [TestCase(new byte[] { 0x00, 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, TestName = "A signature that does not start at byte 0 does not count")]
    [TestCase(new byte[0], TestName = "No bytes are no type")]
    public void Other_content_is_not_recognised(byte[] header)
    {
        Assert.That(FileSignatures.Detect(header), Is.Null, "only an exact signature at the start is recognised");
    }

    [Test]
    public void Text_that_mentions_a_signature_is_not_that_type()
    {
        Assert.That(FileSignatures.Detect(TestFiles.Text(" %PDF-1.7")), Is.Null, "leading whitespace means it is not a PDF");
    }

    [TestCase("image/png", true)]
    [TestCase("IMAGE/PNG; charset=binary", true)]
    [TestCase("image/jpeg", false)]
    [TestCase("text/html", false)]
    public void A_claimed_content_type_names_a_type_by_its_media_type_or_an_alias(string claimed, bool names)
    {
        Assert.That(FileSignatures.Png.IsNamedBy(claimed), Is.EqualTo(names));
    }

    [Test]
    public void Jpeg_accepts_the_image_jpg_alias_browsers_send()
    {
        Assert.That(FileSignatures.Jpeg.IsNamedBy("image/jpg"), Is.True);
    }

    [TestCase(".PDF", "PDF")]
    [TestCase(".jpeg", "JPEG")]
    [TestCase(".txt", null)]
    [TestCase("", null)]
    public void Extensions_map_to_known_types(string extension, string? name)
    {
        Assert.That(FileSignatures.FindByExtension(extension)?.Name, Is.EqualTo(name));
    }
}
