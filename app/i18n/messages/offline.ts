// Field work on a weak signal (decision 025): drafts kept on the device, queued uploads, submitting online.
import type { Messages } from "../types";

export const offlineMessages = {
  "offline.savedHere": { zh: "已离线：草稿已保存在本机", en: "Offline: the draft is saved on this device" },
  "offline.offline": { zh: "已离线：填写的内容会保存在本机", en: "Offline: what you type is kept on this device" },
  "offline.restored": { zh: "已恢复本机保存的草稿", en: "The draft saved on this device was restored" },
  "offline.syncing": { zh: "正在同步草稿…", en: "Syncing the draft…" },
  "offline.synced": { zh: "已同步（{time}）", en: "Synced ({time})" },
  "offline.submitNeedsConnection": {
    zh: "提交需要联网。已填写的内容和选好的文件都保存在本机，不会丢失；联网后再点“提交”。",
    en: "Submitting needs a connection. What you typed and the files you chose stay on this device; submit once you are online.",
  },
  "offline.submitWaitsForUploads": {
    zh: "还有文件在等待上传，上传完成后再提交。",
    en: "Some files are still waiting to upload; submit once they are uploaded.",
  },
  "offline.photosWaiting": { zh: "{count} 张照片等待上传", en: "{count} photo(s) waiting to upload" },
  "offline.filesWaiting": { zh: "{count} 个文件等待上传", en: "{count} file(s) waiting to upload" },
  "offline.willUpload": {
    zh: "联网后会自动上传，每个文件只上传一次。",
    en: "They upload by themselves once you are online, each file once.",
  },
  "offline.uploadingQueued": { zh: "正在上传等待中的文件…", en: "Uploading the waiting files…" },
  "offline.queuedHere": { zh: "已离线：文件已保存在本机，联网后自动上传", en: "Offline: the files are kept on this device and upload once you are online" },
  "offline.waitingLabel": { zh: "等待上传的文件", en: "Files waiting to upload" },
  "offline.refused": { zh: "未能上传：", en: "Not uploaded: " },
  "offline.remove": { zh: "移除", en: "Remove" },
  "offline.removeLabel": { zh: "从等待上传中移除「{name}」", en: "Remove “{name}” from the files waiting to upload" },
  "offline.waitingState": { zh: "等待上传", en: "Waiting" },
} satisfies Messages;
