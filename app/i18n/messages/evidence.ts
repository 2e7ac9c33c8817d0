// Evidence files of a submission: the uploader, the file list and every reason an upload is refused.
import type { Messages } from "../types";

export const evidenceMessages = {
  "evidence.kind.legend": { zh: "材料类型", en: "Kind of evidence" },
  "evidence.kind.photo": { zh: "现场照片", en: "Photo" },
  "evidence.kind.sign_in_sheet": { zh: "签到表", en: "Sign-in sheet" },
  "evidence.kind.document": { zh: "其他文件", en: "Other document" },
  "evidence.file.label": { zh: "选择文件（可多选）", en: "Choose files (several at once is fine)" },
  "evidence.file.hint": {
    zh: "支持 JPG、PNG、WebP 图片和 PDF 文件；每个文件不超过 {maxMb} MB，每份作业最多 {maxFiles} 个文件、合计不超过 {totalMb} MB。照片上传时会自动去除拍摄地点等隐藏信息。",
    en: "JPG, PNG, WebP images and PDF files; up to {maxMb} MB each, at most {maxFiles} files and {totalMb} MB per submission. Hidden data such as the location a photo was taken is removed on upload.",
  },
  "evidence.upload": { zh: "上传", en: "Upload" },
  "evidence.uploading": { zh: "正在上传 {count} 个文件，请稍候…", en: "Uploading {count} file(s)…" },
  "evidence.uploaded": { zh: "已上传 {count} 个文件。", en: "{count} file(s) uploaded." },
  "evidence.rejected": { zh: "以下文件没有上传：", en: "These files were not uploaded:" },
  "evidence.fileProblem": { zh: "「{name}」：{message}", en: "“{name}”: {message}" },
  "evidence.list.label": { zh: "已上传的材料", en: "Uploaded evidence" },
  "evidence.list.count": { zh: "已上传 {count} / {max} 个文件", en: "{count} of {max} files uploaded" },
  "evidence.empty": { zh: "还没有上传材料。", en: "No evidence uploaded yet." },
  "evidence.readOnly": { zh: "作业已提交，材料现在不能修改。", en: "The submission has been handed in; its evidence cannot be changed now." },
  "evidence.thumbAlt": { zh: "{kind}：{name}", en: "{kind}: {name}" },
  "evidence.pdf": { zh: "PDF 文件", en: "PDF file" },
  "evidence.open": { zh: "查看", en: "Open" },
  "evidence.openLabel": { zh: "查看「{name}」（在新窗口打开）", en: "Open “{name}” (new window)" },
  "evidence.download": { zh: "下载", en: "Download" },
  "evidence.downloadLabel": { zh: "下载「{name}」", en: "Download “{name}”" },
  "evidence.delete": { zh: "删除", en: "Delete" },
  "evidence.deleteLabel": { zh: "删除「{name}」", en: "Delete “{name}”" },
  "evidence.deleting": { zh: "正在删除…", en: "Deleting…" },
  "evidence.deleteConfirm.question": { zh: "删除「{name}」后无法恢复。确定删除吗？", en: "“{name}” cannot be recovered once deleted. Delete it?" },
  "evidence.deleteConfirm.yes": { zh: "确定删除", en: "Yes, delete" },
  "evidence.deleted": { zh: "已删除。", en: "Deleted." },
  "evidence.size.kb": { zh: "{size} KB", en: "{size} KB" },
  "evidence.size.mb": { zh: "{size} MB", en: "{size} MB" },
  "evidence.error.noFile": { zh: "请先选择要上传的文件。", en: "Choose a file to upload first." },
  "evidence.error.kind": { zh: "请选择材料类型：现场照片、签到表或其他文件。", en: "Choose the kind: photo, sign-in sheet or other document." },
  "evidence.error.empty": { zh: "这是一个空文件（0 字节），请重新选择。", en: "The file is empty (0 bytes); choose it again." },
  "evidence.error.tooLarge": {
    zh: "文件过大：每个文件不能超过 {maxMb} MB。请压缩图片或把 PDF 分拆后再上传。",
    en: "File too large: each file may be at most {maxMb} MB. Compress the image or split the PDF and try again.",
  },
  "evidence.error.unsupportedType": {
    zh: "不支持这种文件：只能上传 JPG、PNG、WebP 图片或 PDF 文件（按文件内容判断，改扩展名没有用）。",
    en: "This kind of file is not accepted: only JPG, PNG, WebP images or PDF files (judged by content, not by the name's extension).",
  },
  "evidence.error.heic": {
    zh: "这是苹果手机的 HEIC 格式照片，暂不支持。请在“设置 → 相机 → 格式”中选择“兼容性最佳”后重新拍摄，或截图、转成 JPG 后再上传。",
    en: "This is an iPhone HEIC photo, which is not supported. Set Settings → Camera → Formats to “Most Compatible”, or convert it to JPG, and upload again.",
  },
  "evidence.error.pdfHasScript": {
    zh: "这个 PDF 含有脚本、自动执行的操作或内嵌文件，出于安全考虑不能上传。请用“打印为 PDF”或扫描重新生成后再上传。",
    en: "This PDF contains scripts, launch actions or embedded files and cannot be accepted. Re-create it with “Print to PDF” or a scanner and upload again.",
  },
  "evidence.error.pdfEncrypted": {
    zh: "这个 PDF 设置了密码或经过加密，无法检查其中的内容，不能上传。请导出或打印一份未加密的 PDF 再上传。",
    en: "This PDF is password-protected or encrypted, so its content cannot be checked. Export or print an unencrypted copy and upload that.",
  },
  "evidence.error.pdfUnreadable": {
    zh: "这个 PDF 无法读取：文件可能已损坏、没有传完整，或并不是真正的 PDF。请重新导出或扫描后再上传。",
    en: "This PDF cannot be read: it may be damaged, incomplete or not really a PDF. Export or scan it again and upload the new file.",
  },
  "evidence.error.tooMuchData": {
    zh: "这个文件解压后超过 {maxMb} MB，无法处理。请压缩、分拆或用“打印为 PDF”重新生成后再上传。",
    en: "This file expands to more than {maxMb} MB when unpacked and cannot be processed. Compress or split it, or re-create it with “Print to PDF”.",
  },
  "evidence.error.tooComplex": {
    zh: "这个文件的结构过于复杂，无法完成安全检查。请用“打印为 PDF”或重新导出后再上传。",
    en: "This file is too complex to be checked safely. Re-create it with “Print to PDF” or export it again.",
  },
  "evidence.error.processingTimeout": {
    zh: "这个文件处理超时（超过 {seconds} 秒），可能过于复杂或已损坏。请压缩或重新导出后再上传。",
    en: "Processing this file took too long (over {seconds} seconds); it may be too complex or damaged. Compress or export it again.",
  },
  "evidence.error.busy": {
    zh: "服务器正忙，暂时无法处理上传的文件，请稍等一分钟后再试。",
    en: "The server is busy and cannot process uploads right now; try again in a minute.",
  },
  "evidence.error.imageTooLarge": {
    zh: "图片像素过多：最多 {megapixels} 百万像素。请缩小图片尺寸（例如用手机相册的“编辑 → 调整大小”或截图）后再上传。",
    en: "The image has too many pixels: at most {megapixels} megapixels. Make it smaller and upload it again.",
  },
  "evidence.error.photoNotImage": {
    zh: "“现场照片”只能是图片。PDF 文件请选择“签到表”或“其他文件”。",
    en: "A photo must be an image. For a PDF choose “Sign-in sheet” or “Other document”.",
  },
  "evidence.error.tooManyFiles": {
    zh: "每份作业最多 {max} 个文件，已达到上限。请先删除不需要的文件。",
    en: "A submission may have at most {max} files. Delete files you do not need first.",
  },
  "evidence.error.totalTooLarge": {
    zh: "每份作业的材料合计不能超过 {maxMb} MB。请删除一些文件或压缩后再上传。",
    en: "A submission's files may add up to at most {maxMb} MB. Delete some files or compress them.",
  },
  "evidence.error.unreadableImage": {
    zh: "图片无法读取：文件可能已损坏、没有传完整，或像素过大。请重新导出或拍摄后再上传。",
    en: "The image cannot be read: it may be damaged, incomplete or too many pixels. Export or take it again.",
  },
  "evidence.error.quotaExceeded": {
    zh: "你的材料空间（{quotaMb} MB）已用满。删除的文件要在 {days} 天后才会彻底清除并释放空间，所以刚删除的文件仍计入用量。请先删除其他作业中不需要的文件，或过几天再上传。",
    en: "Your evidence storage ({quotaMb} MB) is full. Deleted files are only purged, and their space freed, {days} days later, so recently deleted files still count. Delete files you do not need from other submissions, or upload again in a few days.",
  },
  "evidence.error.notEditable": {
    zh: "作业已提交或已评定，现在不能上传或删除材料。",
    en: "The submission has been handed in or graded; evidence cannot be added or removed now.",
  },
  "evidence.error.noSubmission": {
    zh: "还没有这项任务的作业草稿。请先开始任务或保存草稿，再上传材料。",
    en: "There is no draft for this task yet. Start the task or save a draft first, then upload evidence.",
  },
  "evidence.error.fileNotFound": { zh: "找不到这个文件，可能已经删除。请刷新页面。", en: "This file does not exist; it may have been deleted. Reload the page." },
  "evidence.error.badRequest": {
    zh: "无法读取上传的内容。如果文件名含有分号、等号或引号，请改名后再试。",
    en: "The upload could not be read. If a file name contains a semicolon, equals sign or quote, rename it and try again.",
  },
  "evidence.error.failed": { zh: "上传没有完成（网络或服务器出错），请稍后重试。", en: "The upload did not finish (network or server error). Try again later." },
} satisfies Messages;
